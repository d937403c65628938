package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TaskEvaluatorTest {
    private static final FewShotContexts ZERO_SHOT = new FewShotContexts(0, 1);

    private static EvalTask task(String name, TaskType type, EvalDoc... docs) {
        return new EvalTask(name, type, "", List.of(docs));
    }

    @Test
    void accAndAccNormDisagreeAndNormUsesCharactersWithoutTheLeadingSpace() {
        // acc: "ab" wins (-1.0 > -1.9). acc_norm by characters without the space: -1.0/2 = -0.5 < -1.9/4 = -0.475,
        // so "abcd" wins; counting the leading space (-1/3 vs -1.9/5) would pick "ab" again.
        FakeModel model = new FakeModel(2048)
                .answer("Q:", " ab", -1.0, false)
                .answer("Q:", " abcd", -1.9, false);
        EvalTask t = task("toy", TaskType.MULTIPLE_CHOICE, new MultipleChoiceDoc("Q:", List.of("ab", "abcd"), 1));
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluate(t);
        assertEquals(Map.of("acc", 0.0, "acc_norm", 1.0), r.metrics());
        assertEquals(List.of("acc", "acc_norm"), List.copyOf(r.metrics().keySet()));
    }

    @Test
    void accNormCountsCodePointsLikePythonLen() {
        assertArrayEquals(new double[] {-2.0, -1.0}, TaskEvaluator.normalised(new double[] {-4, -4}, List.of("\uD83D\uDE00\uD83D\uDE00", "abcd")));
    }

    @Test
    void tiesGoToTheFirstChoiceAsNumpyArgmaxDoes() {
        assertEquals(0, TaskEvaluator.argmax(new double[] {-1, -1, -2}));
        assertEquals(2, TaskEvaluator.argmax(new double[] {-3, -2, -1}));
        // numpy returns the first NaN (an empty choice with ll 0: 0 / 0), and -inf never wins.
        assertEquals(1, TaskEvaluator.argmax(new double[] {-1, Double.NaN, 0, Double.NaN}));
        assertEquals(1, TaskEvaluator.argmax(new double[] {Double.NEGATIVE_INFINITY, -5}));
    }

    @Test
    void anEmptyChoiceIsScoredAsASpaceAndItsAccNormIsMinusInfinity() {
        // base.py MultipleChoiceTask: continuation " " + "" is scored; acc_norm ll / len("") = -inf never wins, so
        // the choice that wins acc loses acc_norm (it was refused: "an empty choice has no length ...").
        FakeModel model = new FakeModel(2048)
                .answer("Q:", " ", -0.5, true)
                .answer("Q:", " bb", -3.0, false);
        EvalTask t = task("hs", TaskType.MULTIPLE_CHOICE, new MultipleChoiceDoc("Q:", List.of("", "bb"), 0));
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluate(t);
        assertEquals(Map.of("acc", 1.0, "acc_norm", 0.0), r.metrics());
    }

    @Test
    void aLambadaPassageEndingInASpaceHasASpaceForLastWord() {
        // lambada.py: "the passage ends ".rsplit(" ", 1) is ["the passage ends", ""]: continuation " ".
        FakeModel model = new FakeModel(2048).answer("the passage ends", " ", -2.0, false);
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT)
                .evaluate(task("lambada", TaskType.LAMBADA, new LambadaDoc("the passage ends ")));
        assertEquals(0.0, r.metric("acc"));
        assertEquals(Math.exp(2.0), r.metric("ppl"), 1e-12);
    }

    @Test
    void winograndeScoresTheSameContinuationAfterEachOption() {
        WinograndeDoc doc = new WinograndeDoc("The vase fell off the shelf because _ was wobbly .", List.of("the vase", "the shelf"), 1);
        FakeModel model = new FakeModel(2048)
                .answer("The vase fell off the shelf because the vase", " was wobbly .", -7.5, false)
                .answer("The vase fell off the shelf because the shelf", " was wobbly .", -6.25, false);
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluate(task("wino", TaskType.WINOGRANDE, doc));
        assertEquals(Map.of("acc", 1.0), r.metrics());
        assertEquals(2, model.requests.size());
    }

    @Test
    void winograndeFewShotReplacesOnlyTheDocumentsOwnPiece() {
        WinograndeDoc ex = new WinograndeDoc("Ann thanked Bo because _ had helped.", List.of("Ann", "Bo"), 1);
        WinograndeDoc doc = new WinograndeDoc("The cat chased the dog until _ was tired.", List.of("the cat", "the dog"), 0);
        EvalTask t = task("wino", TaskType.WINOGRANDE, ex, doc);
        FewShotContexts oneShot = new FewShotContexts(1);
        String context = oneShot.context(t, 1);
        assertEquals("Ann thanked Bo because Bo had helped.\n\nThe cat chased the dog until the cat", context);
        assertEquals("Ann thanked Bo because Bo had helped.\n\nThe cat chased the dog until the dog",
                TaskEvaluator.appendContext(context, doc.partialContext("the dog")));
        // Python's split keeps empty pieces: an empty description-like piece survives.
        assertEquals("a\n\n\n\nX", TaskEvaluator.appendContext("a\n\n\n\nb", "X"));
    }

    @Test
    void lambadaAccuracyIsGreedyAndPerplexityIsPerDocument() {
        FakeModel model = new FakeModel(2048)
                .answer("He opened the door and saw his old", " friend", -1.0, true)
                .answer("She poured the tea into the", " cup", -3.0, false);
        EvalTask t = task("lambada", TaskType.LAMBADA,
                new LambadaDoc("He opened the door and saw his old friend"), new LambadaDoc("She poured the tea into the cup"));
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluate(t);
        assertEquals(0.5, r.metric("acc"));
        assertEquals(Math.exp(2.0), r.metric("ppl"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> r.metric("acc_norm"));
    }

    @Test
    void kShotContextTextIsExact() {
        EvalTask t = new EvalTask("toy", TaskType.MULTIPLE_CHOICE, "Answer the questions.", List.of(
                new MultipleChoiceDoc("Question: red?\nAnswer:", List.of("yes", "no"), 0),
                new MultipleChoiceDoc("Question: blue?\nAnswer:", List.of("yes", "no"), 1),
                new MultipleChoiceDoc("Question: green?\nAnswer:", List.of("maybe", "never"), 1),
                new MultipleChoiceDoc("Question: pink?\nAnswer:", List.of("a", "b"), 0)));
        FewShotContexts twoShot = new FewShotContexts(2);
        List<Integer> ex = twoShot.exampleIndices(t).get(3);
        assertEquals(2, ex.size());
        assertFalse(ex.contains(3), "the document itself must not be an example");
        String expected = "Answer the questions.\n\n"
                + t.docs().get(ex.get(0)).text() + t.docs().get(ex.get(0)).target() + "\n\n"
                + t.docs().get(ex.get(1)).text() + t.docs().get(ex.get(1)).target() + "\n\n"
                + "Question: pink?\nAnswer:";
        assertEquals(expected, twoShot.context(t, 3));
        assertEquals("Question: red?\nAnswer: yes", t.docs().get(0).text() + t.docs().get(0).target());
        assertEquals("Answer the questions.\n\nQuestion: pink?\nAnswer:", ZERO_SHOT.context(t, 3));
    }

    @Test
    void kShotDrawsAreSeededAndNeverIncludeTheDocument() {
        List<EvalDoc> docs = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            docs.add(new LambadaDoc("passage number " + i));
        }
        EvalTask t = new EvalTask("many", TaskType.LAMBADA, "", docs);
        Set<List<Integer>> distinct = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            List<List<Integer>> all = new FewShotContexts(3, seed).exampleIndices(t);
            assertEquals(all, new FewShotContexts(3, seed).exampleIndices(t), "seed " + seed + " not deterministic");
            for (int d = 0; d < docs.size(); d++) {
                List<Integer> ex = all.get(d);
                assertEquals(3, ex.size(), "seed " + seed + " doc " + d);
                assertEquals(3, new HashSet<>(ex).size(), "seed " + seed + " doc " + d + ": examples repeat " + ex);
                assertFalse(ex.contains(d), "seed " + seed + " doc " + d + " " + ex);
                distinct.add(ex);
            }
        }
        assertNotEquals(1, distinct.size());
        assertThrows(IllegalArgumentException.class, () -> new FewShotContexts(12, 0).exampleIndices(t));
    }

    @Test
    void evaluatorUsesTheHarnessContexts() {
        // One example per context: each document is scored after the example the harness picks for it.
        List<EvalDoc> docs = List.of(new LambadaDoc("alpha one"), new LambadaDoc("beta two"), new LambadaDoc("gamma three"));
        EvalTask t = new EvalTask("l", TaskType.LAMBADA, "", docs);
        FewShotContexts oneShot = new FewShotContexts(1);
        List<String> contexts = oneShot.contexts(t);
        FakeModel model = new FakeModel(2048);
        for (int d = 0; d < docs.size(); d++) {
            model.answer(contexts.get(d), docs.get(d).target(), -1.0, true);
        }
        assertEquals(1.0, new TaskEvaluator(model.requests(), model, oneShot).evaluate(t).metric("acc"));
    }

    @Test
    void longContextsAreTruncatedBeforeScoring() {
        // maxLength 8: the scorer sees the last 9 tokens of context + continuation (and fails if given more).
        FakeModel model = new FakeModel(8)
                .answer("456789", " ab", -1, true)
                .answer("3456789", " c", -2, true);
        EvalTask t = task("short", TaskType.MULTIPLE_CHOICE, new MultipleChoiceDoc("0123456789", List.of("ab", "c"), 0));
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluate(t);
        assertEquals(1.0, r.metric("acc"));
        assertEquals(2, model.requests.size());
    }

    @Test
    void reportAveragesEachMetricOverTheTasksThatHaveIt() {
        EvalReport report = EvalReport.of(List.of(
                new TaskResult("a", TaskType.MULTIPLE_CHOICE, 10, 0, Map.of("acc", 0.5, "acc_norm", 0.7)),
                new TaskResult("b", TaskType.WINOGRANDE, 10, 0, Map.of("acc", 0.6)),
                new TaskResult("c", TaskType.LAMBADA, 10, 0, Map.of("acc", 0.1, "ppl", 30.0))));
        assertEquals(0.4, report.averages().get("acc"), 1e-12);
        assertEquals(0.7, report.averages().get("acc_norm"), 1e-12);
        assertFalse(report.averages().containsKey("ppl"));
    }

    @Test
    void documentsValidateThemselves() {
        assertThrows(IllegalArgumentException.class, () -> new MultipleChoiceDoc("q", List.of("a"), 0));
        assertThrows(IllegalArgumentException.class, () -> new MultipleChoiceDoc("q", List.of("a", "b"), 2));
        assertThrows(IllegalArgumentException.class, () -> new WinograndeDoc("no blank", List.of("a", "b"), 0));
        assertThrows(IllegalArgumentException.class, () -> new LambadaDoc("oneword"));
        assertThrows(IllegalArgumentException.class, () -> task("mixed", TaskType.LAMBADA, new MultipleChoiceDoc("q", List.of("a", "b"), 0)));
    }
}
