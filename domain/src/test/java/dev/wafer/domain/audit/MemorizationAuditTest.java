package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void resultsAreGroupedByDuplicationBucketAndTimesSeen() {
        MemorizationSettings s = new MemorizationSettings(8, 6, 60, SEED, 3);
        MemorizationAudit audit = new MemorizationAudit(s);
        Corpus corpus = corpus();
        AuditPlan plan = audit.planWindows(corpus);
        long[] copies = {1, 2, 9, 10, 99, 100, 12345};
        List<AuditSample> marked = new ArrayList<>();
        java.util.Map<String, int[]> expected = new java.util.TreeMap<>(); // label -> samples, memorized
        java.util.Map<Long, int[]> seen = new java.util.TreeMap<>();
        for (int i = 0; i < plan.samples().size(); i++) {
            AuditSample a = plan.samples().get(i);
            long c = copies[i % copies.length];
            long times = i % 3;
            marked.add(new AuditSample(a.document(), a.tokens(), i, times, c));
            int memorized = corpus.documents().get(a.document()).source().equals("Rule") ? 1 : 0;
            int[] e = expected.computeIfAbsent(DuplicationBucket.of(c).label(), k -> new int[2]);
            e[0]++;
            e[1] += memorized;
            int[] t = seen.computeIfAbsent(times, k -> new int[2]);
            t[0]++;
            t[1] += memorized;
        }
        MemorizationReport r = audit.measure(new AuditPlan(plan.documents(), plan.candidates(), marked),
                new RuleModel(16), (done, total) -> { });
        List<String> labels = r.byDuplication().stream().map(b -> b.bucket().label()).toList();
        assertEquals(List.of("1", "2-9", "10-99", "100+"), labels, "no 0 bucket when nothing falls in it");
        for (MemorizationReport.BucketResult b : r.byDuplication()) {
            int[] e = expected.get(b.bucket().label());
            assertEquals(e[0], b.stats().samples(), b.toString());
            assertEquals(e[1], b.stats().memorized(), b.toString());
        }
        assertEquals(List.of(0L, 1L, 2L), r.byTimesSeen().stream().map(MemorizationReport.SeenResult::times).toList());
        for (MemorizationReport.SeenResult t : r.byTimesSeen()) {
            assertEquals(seen.get(t.times())[0], t.stats().samples());
            assertEquals(seen.get(t.times())[1], t.stats().memorized());
        }
        long total = 0;
        long max = 0;
        for (int i = 0; i < marked.size(); i++) {
            total += copies[i % copies.length];
            max = Math.max(max, copies[i % copies.length]);
        }
        assertEquals(new MemorizationReport.Copies(marked.size(), total, max), r.copies());

        MemorizationReport uncounted = audit.measure(plan, new RuleModel(16), (done, t) -> { });
        assertTrue(uncounted.byDuplication().isEmpty() && uncounted.byTimesSeen().isEmpty());
        assertEquals(null, uncounted.copies());
        List<AuditSample> none = new ArrayList<>();
        plan.samples().forEach(a -> none.add(a.withCopies(0)));
        MemorizationReport absent = audit.measure(new AuditPlan(plan.documents(), plan.candidates(), none),
                new RuleModel(16), (done, t) -> { });
        assertEquals("0", absent.byDuplication().get(0).bucket().label(), "a text not in train");
        assertEquals(plan.samples().size(), absent.byDuplication().get(0).stats().samples());
        assertEquals(0, absent.copies().found());
    }

    @Test
    void trainedOnlySelectionDrawsOnlyRowsTheTrainerReadWithTheirTimesSeen() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] stream = new int[50 * 8];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(V);
        }
        SplitOccurrencesTest.Stream rows = new SplitOccurrencesTest.Stream(stream, 8);
        TrainedRows partial = TrainedRows.replay(50, 7, 30);
        AuditPlan trained = RowSampler.sample(rows, 4, 8, 100, 1, RowSelection.trainedOnly(partial));
        assertEquals(30, trained.candidates());
        assertEquals(30, trained.samples().size());
        assertEquals(30, trained.samples().stream().mapToLong(AuditSample::row).distinct().count());
        for (AuditSample a : trained.samples()) {
            assertEquals(1, a.timesSeen());
            assertEquals(1, partial.timesSeen(a.row()));
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, (int) a.row() * 8, (int) a.row() * 8 + 8),
                    a.tokens());
        }
        AuditPlan all = RowSampler.sample(rows, 4, 8, 100, 1, RowSelection.all(partial));
        assertEquals(49, all.candidates(), "every row but the last");
        assertEquals(19, all.samples().stream().filter(a -> a.timesSeen() == 0).count());
        AuditPlan old = RowSampler.sample(rows, 4, 8, 10, 1);
        AuditPlan same = RowSampler.sample(rows, 4, 8, 10, 1, RowSelection.all(partial));
        assertEquals(old.samples().stream().map(AuditSample::row).toList(),
                same.samples().stream().map(AuditSample::row).toList(), "--rows all draws as before");
        old.samples().forEach(a -> assertEquals(-1, a.timesSeen()));
    }
}
