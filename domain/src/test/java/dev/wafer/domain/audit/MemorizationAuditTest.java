package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.generate.BatchNextTokenLogits;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * The use case with a model whose greedy choice is known: it always predicts {@code (3·last + 1) mod V}. Documents
 * that follow that rule are reproduced exactly; random documents are not.
 */
class MemorizationAuditTest {
    private static final int V = 101;
    private static final long SEED = 77L;

    /** Predicts (3·last + 1) mod V with a clear margin. */
    private static final class RuleModel implements BatchNextTokenLogits {
        private final int batch;
        private float[] logits;
        private int rows;

        RuleModel(int batch) {
            this.batch = batch;
        }

        @Override
        public float[] reset(int[][] prompts) {
            rows = prompts.length;
            int[] last = new int[rows];
            for (int r = 0; r < rows; r++) {
                last[r] = prompts[r][prompts[r].length - 1];
            }
            return next(last);
        }

        @Override
        public float[] next(int[] tokens) {
            logits = new float[rows * V];
            for (int r = 0; r < rows; r++) {
                logits[r * V + (tokens[r] * 3 + 1) % V] = 5f;
            }
            return logits;
        }

        @Override
        public int vocabSize() {
            return V;
        }

        @Override
        public int maxBatch() {
            return batch;
        }

        @Override
        public int maxSequenceLength() {
            return 64;
        }
    }

    private record Corpus(List<Document> documents, List<int[]> tokens) implements TokenizedCorpus {
        @Override
        public int vocabSize() {
            return V;
        }

        @Override
        public void read(int index, int start, int[] dest) {
            System.arraycopy(tokens.get(index), start, dest, 0, dest.length);
        }
    }

    private static Corpus corpus() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<TokenizedCorpus.Document> docs = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        for (int d = 0; d < 6; d++) {
            boolean rule = d % 2 == 0;
            int[] t = new int[60 + 10 * d];
            t[0] = random.nextInt(V);
            for (int i = 1; i < t.length; i++) {
                t[i] = rule ? (t[i - 1] * 3 + 1) % V : random.nextInt(V);
            }
            docs.add(new TokenizedCorpus.Document("hash" + d, rule ? "Rule" : "Noise", "doc" + d, t.length));
            tokens.add(t);
        }
        docs.add(new TokenizedCorpus.Document("short", "Rule", "short", 5));
        tokens.add(new int[5]);
        return new Corpus(docs, tokens);
    }

    private static MemorizationReport run(MemorizationSettings s, int batch) {
        MemorizationAudit audit = new MemorizationAudit(s);
        return audit.measure(audit.planWindows(corpus()), new RuleModel(batch), (done, total) -> { });
    }

    @Test
    void ruleDocumentsAreMemorizedAndNoiseIsNot() {
        MemorizationSettings s = new MemorizationSettings(8, 6, 120, SEED, 3);
        MemorizationReport r = run(s, 16);
        assertEquals(120, r.overall().samples());
        assertEquals(7, r.documents());
        assertEquals(432, r.candidates(), "documents of 60..110 tokens offer 47..97 windows of 14; 5 tokens none");
        assertEquals(2, r.bySource().size());
        MemorizationReport.SourceResult noise = r.bySource().get(0);
        MemorizationReport.SourceResult rule = r.bySource().get(1);
        assertEquals("Noise", noise.source());
        assertEquals("Rule", rule.source());
        assertEquals(1.0, rule.stats().memorizedFraction(), "seed " + SEED);
        assertEquals(1.0, rule.stats().tokenMatchRate());
        assertEquals(6.0, rule.stats().meanLongestMatch());
        assertEquals(0.0, noise.stats().memorizedFraction(), "seed " + SEED);
        assertTrue(noise.stats().tokenMatchRate() < 0.1, "seed " + SEED + ": " + noise.stats());
        assertEquals(rule.stats().samples() + noise.stats().samples(), 120);
        assertEquals((double) rule.stats().memorized() / 120, r.overall().memorizedFraction(), 1e-12);
        assertEquals(3, r.topDocuments().size());
        r.topDocuments().forEach(d -> assertEquals("Rule", d.source(), d.toString()));
        assertEquals("hash4", r.topDocuments().get(0).hash(), "the longest rule document has the most windows");
    }

    @Test
    void resultsDependOnlyOnTheSeedNotTheBatch() {
        MemorizationSettings s = new MemorizationSettings(8, 6, 50, SEED, 10);
        MemorizationReport a = run(s, 7);
        MemorizationReport b = run(s, 50);
        assertEquals(a, b);
    }

    @Test
    void progressCountsWindowsAndTooShortAModelIsRefused() {
        List<Integer> seen = new ArrayList<>();
        MemorizationSettings s = new MemorizationSettings(8, 6, 20, SEED, 1);
        MemorizationAudit audit = new MemorizationAudit(s);
        audit.measure(audit.planWindows(corpus()), new RuleModel(8), (done, total) -> seen.add(done));
        assertEquals(List.of(8, 16, 20), seen);
        MemorizationSettings tooLong = new MemorizationSettings(40, 30, 20, SEED, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(tooLong, 8));
        assertTrue(e.getMessage().contains("needs 69 positions; the model holds 64"), e.getMessage());
    }
}
