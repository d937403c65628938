package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;

/** The suite fails collectives that break the port's promises, each on the check that names the broken promise. */
class BrokenCollectivesTest {

    @Test
    void averagingInsteadOfSumming() throws Exception {
        assertFails("floatSumIsElementWise", 2, c -> new Forwarding(c) {
            @Override
            public void allReduceSum(float[] values, int offset, int count) {
                super.allReduceSum(values, offset, count);
                for (int i = offset; i < offset + count; i++) {
                    values[i] /= size();
                }
            }
        });
    }

    @Test
    void writingPastTheRange() throws Exception {
        assertFails("doubleSumIsElementWise", 2, c -> new Forwarding(c) {
            @Override
            public void allReduceSum(double[] values, int offset, int count) {
                super.allReduceSum(values, offset, count);
                if (offset + count < values.length) {
                    values[offset + count] = 0;
                }
            }
        });
    }

    @Test
    void roundingThatDependsOnTheRank() throws Exception {
        assertFails("everyRankReceivesTheSameBitsEveryTime", 2, c -> new Forwarding(c) {
            @Override
            public void allReduceSum(float[] values, int offset, int count) {
                super.allReduceSum(values, offset, count);
                for (int i = offset; i < offset + count && rank() == 1; i++) {
                    values[i] = Math.nextUp(values[i]);
                }
            }
        });
    }

    @Test
    void broadcastingFromRankZeroWhateverTheRoot() throws Exception {
        assertFails("everyRootsValuesReachEveryRank", 3, c -> new Forwarding(c) {
            @Override
            public void broadcast(double[] values, int offset, int count, int root) {
                super.broadcast(values, offset, count, 0);
            }
        });
    }

    @Test
    void reduceScatterIntoTheNextRanksBlock() throws Exception {
        assertFails("reduceScatterGivesEachRankItsBlockOfTheSum", 2, c -> new Forwarding(c) {
            @Override
            public void reduceScatterSum(float[] values, int offset, int count) {
                super.reduceScatterSum(values, offset, count);
                int mine = offset + rank() * count;
                int next = offset + ((rank() + 1) % size()) * count;
                System.arraycopy(values, mine, values, next, count);
            }
        });
    }

    @Test
    void allGatherThroughASum() throws Exception {
        // Gathering by summing zero-padded blocks loses -0.0 and NaN payloads: the bits are not kept.
        assertFails("allGatherCopiesEveryRanksBlockExactly", 2, c -> new Forwarding(c) {
            @Override
            public void allGather(float[] values, int offset, int count) {
                for (int r = 0; r < size(); r++) {
                    if (r != rank()) {
                        java.util.Arrays.fill(values, offset + r * count, offset + (r + 1) * count, 0f);
                    }
                }
                super.allReduceSum(values, offset, size() * count);
            }
        });
    }

    @Test
    void aBarrierThatDoesNotWait() throws Exception {
        assertFails("barrierWaitsForTheLastRank", 2, c -> new Forwarding(c) {
            @Override
            public void barrier() {
            }
        });
    }

    @Test
    void noRangeChecks() throws Exception {
        assertFails("badRangesAreRefusedBeforeCommunicating", 1, c -> new Forwarding(c) {
            @Override
            public void allReduceSum(float[] values, int offset, int count) {
            }

            @Override
            public void allReduceSum(double[] values, int offset, int count) {
            }

            @Override
            public void broadcast(double[] values, int offset, int count, int root) {
            }

            @Override
            public void reduceScatterSum(float[] values, int offset, int count) {
            }

            @Override
            public void allGather(float[] values, int offset, int count) {
            }
        });
    }

    @Test
    void aSizeThatIsNotTheRun() throws Exception {
        assertFails("ranksCoverTheRun", 1, c -> new Forwarding(c) {
            @Override
            public int size() {
                return 2;
            }
        });
    }

    /** Runs the suite on {@code size} ranks (the one-process collective for 1), each broken by {@code breaker}. */
    private static void assertFails(String check, int size, UnaryOperator<Collective> breaker) throws Exception {
        List<Verdict> verdicts = size == 1 ? CollectiveChecks.runAll(breaker.apply(SingleProcess.instance()))
                : new ThreadRanks(size).run(c -> CollectiveChecks.runAll(breaker.apply(c))).stream()
                        .flatMap(List::stream).toList();
        Set<String> failed = verdicts.stream().filter(v -> !v.passed()).map(Verdict::check)
                .collect(Collectors.toSet());
        assertTrue(failed.contains(check), "the suite missed the broken promise of " + check + "; failed: " + failed);
        assertTrue(verdicts.stream().filter(v -> v.check().equals(check)).filter(v -> !v.passed())
                .allMatch(v -> v.failure().contains("seed ")), "failures name the seed");
    }

    /** A collective that forwards every call; each broken collective above overrides one promise. */
    private static class Forwarding implements Collective {
        private final Collective inner;

        Forwarding(Collective inner) {
            this.inner = inner;
        }

        @Override
        public int rank() {
            return inner.rank();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public void allReduceSum(float[] values, int offset, int count) {
            inner.allReduceSum(values, offset, count);
        }

        @Override
        public void allReduceSum(double[] values, int offset, int count) {
            inner.allReduceSum(values, offset, count);
        }

        @Override
        public void reduceScatterSum(float[] values, int offset, int count) {
            inner.reduceScatterSum(values, offset, count);
        }

        @Override
        public void allGather(float[] values, int offset, int count) {
            inner.allGather(values, offset, count);
        }

        @Override
        public void broadcast(double[] values, int offset, int count, int root) {
            inner.broadcast(values, offset, count, root);
        }

        @Override
        public void barrier() {
            inner.barrier();
        }

        @Override
        public String description() {
            return "broken " + inner.description();
        }
    }
}
