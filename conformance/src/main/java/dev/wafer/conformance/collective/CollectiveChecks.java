package dev.wafer.conformance.collective;

import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.collective.Collective;

/** Every check of the collective contract, in the order every rank runs them. */
public final class CollectiveChecks {
    private static final List<CollectiveCheck> ALL = List.of(
            new CollectiveCheck("ranksCoverTheRun", MembershipChecks::ranksCoverTheRun),
            new CollectiveCheck("descriptionIsOneLine", MembershipChecks::descriptionIsOneLine),
            new CollectiveCheck("floatSumIsElementWise", AllReduceChecks::floatSumIsElementWise),
            new CollectiveCheck("doubleSumIsElementWise", AllReduceChecks::doubleSumIsElementWise),
            new CollectiveCheck("everyRankReceivesTheSameBitsEveryTime",
                    AllReduceChecks::everyRankReceivesTheSameBitsEveryTime),
            new CollectiveCheck("oneRanksValueArrivesExactly", AllReduceChecks::oneRanksValueArrivesExactly),
            new CollectiveCheck("zeroCountChangesNothing", AllReduceChecks::zeroCountChangesNothing),
            new CollectiveCheck("callsOfEveryLengthAndTypeInterleave",
                    AllReduceChecks::callsOfEveryLengthAndTypeInterleave),
            new CollectiveCheck("reduceScatterGivesEachRankItsBlockOfTheSum",
                    ScatterGatherChecks::reduceScatterGivesEachRankItsBlockOfTheSum),
            new CollectiveCheck("allGatherCopiesEveryRanksBlockExactly",
                    ScatterGatherChecks::allGatherCopiesEveryRanksBlockExactly),
            new CollectiveCheck("reduceScatterThenAllGatherIsTheAllReduce",
                    ScatterGatherChecks::reduceScatterThenAllGatherIsTheAllReduce),
            new CollectiveCheck("scatterAndGatherOfZeroCountChangeNothing", ScatterGatherChecks::zeroCountChangesNothing),
            new CollectiveCheck("everyRootsValuesReachEveryRank", BroadcastChecks::everyRootsValuesReachEveryRank),
            new CollectiveCheck("badRangesAreRefusedBeforeCommunicating",
                    RangeChecks::badRangesAreRefusedBeforeCommunicating),
            new CollectiveCheck("barrierWaitsForTheLastRank", BarrierChecks::barrierWaitsForTheLastRank));

    private CollectiveChecks() {
    }

    /** The checks, in order. */
    public static List<CollectiveCheck> all() {
        return ALL;
    }

    /**
     * Runs every check on this rank, in order, and returns one verdict per check. Every rank of the run must call it
     * at the same time (the checks communicate).
     */
    public static List<Verdict> runAll(Collective rank) {
        List<Verdict> verdicts = new ArrayList<>();
        for (CollectiveCheck check : ALL) {
            try {
                check.run(rank);
                verdicts.add(new Verdict(check.name(), rank.rank(), null));
            } catch (AssertionError e) {
                verdicts.add(new Verdict(check.name(), rank.rank(), e.getMessage()));
            }
        }
        return verdicts;
    }
}
