package dev.wafer.domain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.ports.compute.ComputeBackend;

/** The transfer check picks the best and a spread of others, and compares the two rankings correctly. */
class MupTransferCheckTest {
    private static final long SEED = 20261204L;

    private static List<MupSearch.Sample> samples(double... losses) {
        List<MupHyperparameters> t = MupSearchSpace.samples(SEED, losses.length);
        List<MupSearch.Sample> out = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            out.add(new MupSearch.Sample(i, t.get(i), losses[i], Double.isNaN(losses[i])));
        }
        return out;
    }

    private static List<MupTransferCheck.Run> runs(List<MupSearch.Sample> proxy, double... wide) {
        List<MupTransferCheck.Run> out = new ArrayList<>();
        for (int i = 0; i < wide.length; i++) {
            out.add(new MupTransferCheck.Run(proxy.get(i), wide[i], Double.isNaN(wide[i])));
        }
        return out;
    }

    @Test
    void theBestAndEvenlySpacedOthersAreChosenDivergedNever() {
        List<MupSearch.Sample> s = samples(3.0, Double.NaN, 2.0, 5.0, 4.0, 2.5, 6.0);
        // Ranked: 2 (2.0), 5 (2.5), 0 (3.0), 4 (4.0), 3 (5.0), 6 (6.0): ranks 0, 2, 3, 5.
        assertEquals(List.of(2, 0, 4, 6), MupTransferCheck.chosen(s).stream().map(MupSearch.Sample::index).toList());
        assertEquals(List.of(2), MupTransferCheck.chosen(samples(Double.NaN, Double.NaN, 2.0)).stream()
                .map(MupSearch.Sample::index).toList());
    }

    @Test
    void rankingsAreCompared() {
        List<MupSearch.Sample> proxy = samples(2.0, 2.5, 3.0, 4.0);
        MupTransferCheck.Result same = MupTransferCheck.compare(128, runs(proxy, 1.5, 1.8, 2.9, 3.0));
        assertTrue(same.bestStaysBest() && same.rankingHolds());
        assertEquals(1.0, same.spearman(), 1e-12);
        MupTransferCheck.Result swapped = MupTransferCheck.compare(128, runs(proxy, 1.5, 2.9, 1.8, 3.0));
        assertTrue(swapped.bestStaysBest());
        assertFalse(swapped.rankingHolds());
        assertEquals(0.8, swapped.spearman(), 1e-12); // d² = 2: 1 - 6·2/(4·15)
        MupTransferCheck.Result reversed = MupTransferCheck.compare(128, runs(proxy, Double.NaN, 3.0, 2.0, 1.0));
        assertFalse(reversed.bestStaysBest(), "a diverged best does not stay best");
        assertEquals(-1.0, reversed.spearman(), 1e-12);
    }

    @Test
    void aTinyCheckTrainsTheChosenTriplesAtTwiceTheWidth() {
        try (ComputeBackend backend = new ReferenceBackend()) {
            MupSearch.Result search = MupSearch.run(backend, new MupSearchTest.Counter(), MupSearchTest.settings(3),
                    List.of(), s -> { }, StudyListener.NONE);
            MupTransferCheck.Result r = MupTransferCheck.run(backend, new MupSearchTest.Counter(), search, 2,
                    StudyListener.NONE);
            assertEquals(64, r.width());
            assertEquals(MupTransferCheck.chosen(search.samples()),
                    r.runs().stream().map(MupTransferCheck.Run::sample).toList());
            for (MupTransferCheck.Run run : r.runs()) {
                assertTrue(run.diverged() || run.wideLoss() > 0 && run.wideLoss() < 10, "seed " + SEED + ": " + run);
            }
            assertEquals(MupTransferCheck.compare(64, r.runs()), r);
            assertThrows(IllegalArgumentException.class, () -> MupTransferCheck.run(backend,
                    new MupSearchTest.Counter(), search, 5, StudyListener.NONE));
        }
    }
}
