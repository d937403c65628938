package dev.wafer.conformance.collective;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/** The collective contract on runs of 2, 3 and 4 ranks as threads: the suite's multi-rank checks, without MPI. */
class ThreadRanksContractTest {
    @TestFactory
    Stream<DynamicContainer> threadRanks() throws Exception {
        Stream.Builder<DynamicContainer> sizes = Stream.builder();
        for (int size = 2; size <= 4; size++) {
            List<Verdict> verdicts = new ThreadRanks(size).run(CollectiveChecks::runAll).stream()
                    .flatMap(List::stream).toList();
            sizes.add(DynamicContainer.dynamicContainer(size + " ranks", RankVerdicts.perCheck(size, verdicts)));
        }
        return sizes.build();
    }
}
