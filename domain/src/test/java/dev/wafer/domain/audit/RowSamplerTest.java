package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.data.PackedCorpus;

/** Training sequences are drawn from row starts, named by the document of their first continuation token. */
class RowSamplerTest {
    private static final long SEED = 31L;
    private static final int ROW = 10;

    /** 12 rows of 10; token value = stream position; documents start every 25 tokens, sources A and B alternate. */
    private static final class Rows implements PackedCorpus {
        private final boolean onlyA;

        Rows(boolean onlyA) {
            this.onlyA = onlyA;
        }

        @Override
        public List<Document> documents() {
            return onlyA ? List.of(doc(0), doc(2), doc(4)) : List.of(doc(0), doc(1), doc(2), doc(3), doc(4));
        }

        private static Document doc(int i) {
            return new Document("h" + i, i % 2 == 0 ? "A" : "B", "l" + i, 24);
        }

        @Override
        public int vocabSize() {
            return 1000;
        }

        @Override
        public void read(int index, int start, int[] dest) {
            throw new UnsupportedOperationException("rows only");
        }

        @Override
        public int sequenceLength() {
            return ROW;
        }

        @Override
        public long rows() {
            return 12;
        }

        @Override
        public void readRow(long row, int[] dest) {
            for (int i = 0; i < dest.length; i++) {
                dest[i] = (int) (row * ROW + i);
            }
        }

        @Override
        public int documentAt(long row, int offset) {
            int d = (int) ((row * ROW + offset) / 25);
            if (d > 4) {
                return -1;
            }
            return onlyA ? (d % 2 == 0 ? d / 2 : -1) : d;
        }
    }

    @Test
    void everyRowButTheLastWhenFewerThanAsked() {
        AuditPlan plan = RowSampler.sample(new Rows(false), 4, 8, 100, SEED);
        assertEquals(11, plan.candidates(), "the last row only supplies a target in training");
        assertEquals(11, plan.samples().size());
        for (int r = 0; r < 11; r++) {
            AuditSample s = plan.samples().get(r);
            assertArrayEquals(new int[] {r * 10, r * 10 + 1, r * 10 + 2, r * 10 + 3, r * 10 + 4, r * 10 + 5,
                r * 10 + 6, r * 10 + 7}, s.tokens(), "row " + r + " read from its start");
            assertEquals((r * 10 + 4) / 25, s.document(), "row " + r + ": the document of token P");
        }
    }

    @Test
    void sourceFilterAndSeededDraw() {
        AuditPlan a = RowSampler.sample(new Rows(true), 4, 8, 3, SEED);
        // Token 4 of rows 0, 1, 2 (doc 0: 0..24), 5, 6, 7 (doc 2: 50..74) and 10 (doc 4: 100..124) is from source A.
        assertEquals(7, a.candidates());
        assertEquals(3, a.samples().size());
        a.samples().forEach(s -> assertEquals("A", a.documents().get(s.document()).source(), "seed " + SEED));
        AuditPlan b = RowSampler.sample(new Rows(true), 4, 8, 3, SEED);
        assertEquals(rows(a), rows(b), "same seed, same rows");
        boolean differs = false;
        for (long seed = SEED + 1; seed < SEED + 20 && !differs; seed++) {
            differs = !rows(RowSampler.sample(new Rows(true), 4, 8, 3, seed)).equals(rows(a));
        }
        assertTrue(differs, "another seed draws other rows");
        assertThrows(IllegalArgumentException.class, () -> RowSampler.sample(new Rows(false), 6, 11, 3, SEED),
                "a window longer than a row");
    }

    private static List<Integer> rows(AuditPlan plan) {
        return plan.samples().stream().map(s -> s.tokens()[0] / ROW).toList();
    }
}
