package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Seeded window draws: inside one document, distinct, in proportion to length, all when fewer. */
class WindowSamplerTest {
    private static final long SEED = 20261130L;

    @Test
    void windowsLieInsideLongEnoughDocumentsAndAreDistinct() {
        int[] lengths = {5, 100, 9, 300, 10};
        List<AuditWindow> w = WindowSampler.sample(lengths, 10, 200, SEED);
        assertEquals(200, w.size(), "seed " + SEED);
        Set<AuditWindow> seen = new HashSet<>(w);
        assertEquals(w.size(), seen.size(), "seed " + SEED + ": windows are drawn without replacement");
        int[] perDocument = new int[lengths.length];
        for (AuditWindow a : w) {
            assertTrue(a.start() + 10 <= lengths[a.document()], "seed " + SEED + ": " + a);
            perDocument[a.document()]++;
        }
        assertEquals(0, perDocument[0], "seed " + SEED + ": a document shorter than the window offers none");
        assertEquals(0, perDocument[2], "seed " + SEED);
        // Document 3 offers 291 of the 383 windows: about 152 of 200 expected.
        assertTrue(perDocument[3] > 120 && perDocument[3] < 180, "seed " + SEED + ": " + perDocument[3]);
        for (int i = 1; i < w.size(); i++) {
            AuditWindow a = w.get(i - 1);
            AuditWindow b = w.get(i);
            assertTrue(a.document() < b.document() || a.document() == b.document() && a.start() < b.start(),
                    "corpus order");
        }
    }

    @Test
    void sameSeedSameWindowsOtherSeedOthers() {
        int[] lengths = {400, 250, 800};
        assertEquals(WindowSampler.sample(lengths, 20, 50, SEED), WindowSampler.sample(lengths, 20, 50, SEED));
        assertNotEquals(WindowSampler.sample(lengths, 20, 50, SEED), WindowSampler.sample(lengths, 20, 50, SEED + 1));
    }

    @Test
    void everyWindowWhenTheCorpusOffersNoMore() {
        List<AuditWindow> w = WindowSampler.sample(new int[] {12, 3, 11}, 10, 1000, SEED);
        assertEquals(List.of(new AuditWindow(0, 0), new AuditWindow(0, 1), new AuditWindow(0, 2),
                new AuditWindow(2, 0), new AuditWindow(2, 1)), w);
        assertEquals(List.of(), WindowSampler.sample(new int[] {3, 4}, 10, 5, SEED));
    }
}
