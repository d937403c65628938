package dev.wafer.domain.model;

/**
 * The argument checks of {@link GptModel}'s entry points, in one place so that training and scoring passes refuse
 * the same bad input with the same words before anything reaches a kernel.
 */
final class ModelInputChecks {
    private ModelInputChecks() {
    }

    /** The first {@code n} ids lie in {@code [0, vocab)}; {@code what} names them ("token", "target"). */
    static void inVocabulary(int[] ids, int n, int vocab, String what) {
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(what + " id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    /** Exactly {@code n} ids, all in the vocabulary. */
    static void exactIds(int[] ids, int n, int vocab, String what) {
        if (ids.length != n) {
            throw new IllegalArgumentException("expected " + n + " " + what + " ids, got " + ids.length);
        }
        inVocabulary(ids, n, vocab, what);
    }

    /**
     * A {@code rows x t} pass fits the allocated {@code b x maxT} micro-batch and {@code tokens} holds at least
     * {@code rows·t} ids of the vocabulary.
     */
    static void subBatch(int[] tokens, int rows, int t, int b, int maxT, int vocab) {
        if (rows < 1 || t < 1 || t > maxT || (long) rows * t > (long) b * maxT) {
            throw new IllegalArgumentException("a " + rows + "x" + t + " pass does not fit the allocated micro-batch "
                    + b + "x" + maxT);
        }
        if (tokens.length < rows * t) {
            throw new IllegalArgumentException("expected " + rows * t + " token ids, got " + tokens.length);
        }
        inVocabulary(tokens, rows * t, vocab, "token");
    }

    /** The first {@code count} positions increase strictly within {@code [0, n)}. */
    static void increasingPositions(int[] positions, int count, int n, int rows, int t) {
        if (count < 1 || count > n || positions.length < count) {
            throw new IllegalArgumentException(count + " positions do not fit a " + rows + "x" + t + " pass");
        }
        for (int k = 0; k < count; k++) {
            if (positions[k] < 0 || positions[k] >= n || (k > 0 && positions[k] <= positions[k - 1])) {
                throw new IllegalArgumentException("positions must increase within [0, " + n + "): "
                        + positions[k] + " at " + k);
            }
        }
    }
}
