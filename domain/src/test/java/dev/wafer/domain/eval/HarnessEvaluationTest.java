package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator's per-task aggregation, stderrs and request log on hand-computed log-likelihoods. */
class HarnessEvaluationTest {
    private static final FewShotContexts ZERO_SHOT = new FewShotContexts(0);

    @Test
    void crowsPairsLikelihoodDifferenceAndPctStereotypePerCategory() {
        // Empty contexts become the end-of-text token ('#' in FakeModel).
        FakeModel model = new FakeModel(2048)
                .answer("#", "A is bad.", -10.0, false).answer("#", "B is bad.", -12.0, false)
                .answer("#", "C is old.", -7.0, false).answer("#", "D is old.", -6.0, false)
                .answer("#", "E is bad.", -3.0, false).answer("#", "F is bad.", -3.5, false);
        EvalTask t = new EvalTask("crows_pairs_english", TaskType.CROWS_PAIRS, "", List.of(
                new CrowsPairsDoc("A is bad.", "B is bad.", "race-color"),
                new CrowsPairsDoc("C is old.", "D is old.", "age"),
                new CrowsPairsDoc("E is bad.", "F is bad.", "race-color")));
        List<TaskResult> r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).evaluateAll(t);
        // diffs |-10+12| = 2, |-7+6| = 1, |-3+3.5| = 0.5: mean 3.5/3; stereotype preferred 1, 0, 1: mean 2/3.
        assertEquals(List.of("crows_pairs_english", "crows_pairs_english_age", "crows_pairs_english_race-color"),
                r.stream().map(TaskResult::task).toList());
        assertEquals(3.5 / 3, r.get(0).metric(TaskResult.LIKELIHOOD_DIFFERENCE), 1e-15);
        assertEquals(2.0 / 3, r.get(0).metric(TaskResult.PCT_STEREOTYPE), 1e-15);
        // sample stddev of [2, 1, 0.5] (mean 7/6): sqrt((25/36 + 1/36 + 4/9) / 2) = sqrt(42/72); / sqrt(3).
        assertEquals(Math.sqrt(42.0 / 72) / Math.sqrt(3), r.get(0).stderrs().get(TaskResult.LIKELIHOOD_DIFFERENCE), 1e-15);
        assertEquals(Map.of(TaskResult.LIKELIHOOD_DIFFERENCE, 1.0, TaskResult.PCT_STEREOTYPE, 0.0), r.get(1).metrics());
        assertEquals(Map.of(TaskResult.LIKELIHOOD_DIFFERENCE, 1.25, TaskResult.PCT_STEREOTYPE, 1.0), r.get(2).metrics());
        assertEquals(Map.of(), r.get(1).stderrs(), "one pair has no sample stddev");
    }

    @Test
    void lambadaPplStderrIsBootstrappedAndAccStderrIsMeanStderr() {
        FakeModel model = new FakeModel(2048)
                .answer("a", " b", -1.5, true).answer("c", " d", -0.25, false).answer("e", " f", -3.0, true)
                .answer("g", " h", -2.125, false).answer("i", " j", -0.5, true);
        EvalTask t = new EvalTask("lambada_openai", TaskType.LAMBADA, "", List.of(new LambadaDoc("a b"),
                new LambadaDoc("c d"), new LambadaDoc("e f"), new LambadaDoc("g h"), new LambadaDoc("i j")));
        TaskResult r = new TaskEvaluator(model.requests(), model, ZERO_SHOT).withBootstrapIters(3000).evaluate(t);
        // Same numbers as HarnessMetricsTest's CPython run of bootstrap_stderr(perplexity, lls, 3000).
        assertEquals(4.371035772929758, r.metric(TaskResult.PPL), 1e-15);
        assertEquals(2.372142767851026, r.stderrs().get(TaskResult.PPL), 1e-12);
        assertEquals(0.6, r.metric(TaskResult.ACC), 0.0);
        // [1,0,1,0,1]: sample variance (3*0.16 + 2*0.36)/4 = 0.3; stderr sqrt(0.3/5).
        assertEquals(Math.sqrt(0.3 / 5), r.stderrs().get(TaskResult.ACC), 1e-15);
    }

    @Test
    void requestLogSeesEveryRequestAsScored() {
        FakeModel model = new FakeModel(2048)
                .answer("Q:", " ab", -1.0, false).answer("Q:", " cd", -2.0, false);
        EvalTask t = new EvalTask("piqa", TaskType.MULTIPLE_CHOICE, "",
                List.of(new MultipleChoiceDoc("Q:", List.of("ab", "cd"), 0)));
        List<String> seen = new ArrayList<>();
        new TaskEvaluator(model.requests(), model, ZERO_SHOT)
                .withRequestLog((task, req, ctx, cont, s) -> seen.add(task + " " + req.docIndex() + " " + req.context()
                        + "|" + req.continuation() + " " + s.logLikelihood() + " " + ctx.length + "+" + cont.length))
                .evaluate(t);
        assertEquals(List.of("piqa 0 Q:| ab -1.0 2+3", "piqa 0 Q:| cd -2.0 2+3"), seen);
    }
}
