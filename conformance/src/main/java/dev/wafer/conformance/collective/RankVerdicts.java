package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

/** The verdicts of every rank of a run as one JUnit test per check, which fails if any rank failed or is silent. */
public final class RankVerdicts {
    private RankVerdicts() {
    }

    /** One dynamic test per check of {@link CollectiveChecks#all()}: passed on each of the {@code size} ranks. */
    public static Stream<DynamicTest> perCheck(int size, List<Verdict> verdicts) {
        return CollectiveChecks.all().stream().map(check -> DynamicTest.dynamicTest(check.name(), () -> {
            StringBuilder failures = new StringBuilder();
            for (int r = 0; r < size; r++) {
                int rank = r;
                List<Verdict> mine = verdicts.stream()
                        .filter(v -> v.rank() == rank && v.check().equals(check.name())).toList();
                if (mine.size() != 1) {
                    failures.append("\nrank ").append(r).append(" reported ").append(mine.size()).append(" verdicts");
                } else if (!mine.get(0).passed()) {
                    failures.append("\n").append(mine.get(0).failure());
                }
            }
            if (!failures.isEmpty()) {
                fail(check.name() + " on " + size + " ranks:" + failures);
            }
        }));
    }
}
