package dev.wafer.domain.data.prepare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which rank reads which input in a multi-rank preparation: whole inputs, balanced by size (largest first, each to
 * the rank with the fewest bytes so far; ties to the lower index and rank), so that every rank computes the same
 * assignment from the same input list. Each rank reads its inputs in input order. An input of unknown size counts
 * as one byte.
 */
final class InputAssignment {
    private final int[] rankOf;
    private final int ranks;

    private InputAssignment(int[] rankOf, int ranks) {
        this.rankOf = rankOf;
        this.ranks = ranks;
    }

    /** @param sizes stored size of each input in bytes (negative: unknown) */
    static InputAssignment balance(long[] sizes, int ranks) {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        }
        long[] weight = Arrays.stream(sizes).map(s -> Math.max(1, s)).toArray();
        Integer[] bySize = IntStream.range(0, sizes.length).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> -weight[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
        long[] load = new long[ranks];
        int[] rankOf = new int[sizes.length];
        for (int input : bySize) {
            int least = 0;
            for (int r = 1; r < ranks; r++) {
                if (load[r] < load[least]) {
                    least = r;
                }
            }
            rankOf[input] = least;
            load[least] += weight[input];
        }
        return new InputAssignment(rankOf, ranks);
    }

    int rankOf(int input) {
        return rankOf[input];
    }

    /** The inputs rank {@code rank} reads, in input order. */
    List<Integer> inputsOf(int rank) {
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < rankOf.length; i++) {
            if (rankOf[i] == rank) {
                mine.add(i);
            }
        }
        return mine;
    }

    int ranks() {
        return ranks;
    }
}
