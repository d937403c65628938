package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** {@link FewShotContexts} against lm-evaluation-harness v0.3.0's picks, computed by CPython ({@code python-random.txt}). */
class FewShotContextsTest {

    @Test
    void picksTheHarnessExamplesForEveryFixtureTask() {
        List<PythonFixture> lines = PythonFixture.lines("harness");
        assertTrue(lines.size() >= 6);
        for (PythonFixture f : lines) {
            Map<String, String> p = f.call().subList(1, f.call().size()).stream()
                    .map(w -> w.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            List<EvalDoc> docs = new ArrayList<>();
            for (String v : p.get("docs").split(",")) {
                docs.add(new LambadaDoc("document " + v)); // equal values, equal documents
            }
            List<EvalDoc> train = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(p.get("train")); i++) {
                train.add(new LambadaDoc("training document " + i));
            }
            EvalTask task = new EvalTask("t", TaskType.LAMBADA, "", docs, train);
            FewShotContexts contexts = new FewShotContexts(Integer.parseInt(p.get("shots")));
            assertEquals(p.get("order"), contexts.evaluationOrder(task).stream().map(String::valueOf).collect(Collectors.joining(",")), f.toString());
            List<List<Integer>> examples = contexts.exampleIndices(task);
            StringBuilder actual = new StringBuilder();
            for (int d = 0; d < docs.size(); d++) {
                String ex = examples.get(d).stream().map(String::valueOf).collect(Collectors.joining(","));
                actual.append(d == 0 ? "" : " ").append(d).append(':').append(ex.isEmpty() ? "-" : ex);
            }
            assertEquals(f.result(), actual.toString(), f.toString());
        }
    }

    @Test
    void contextIsDescriptionExamplesAndTheDocumentsText() {
        List<EvalDoc> docs = List.of(new MultipleChoiceDoc("Q: a?\nA:", List.of("x", "y"), 1),
                new MultipleChoiceDoc("Q: b?\nA:", List.of("x", "y"), 0));
        List<EvalDoc> train = List.of(new MultipleChoiceDoc("Q: t?\nA:", List.of("yes", "no"), 0));
        EvalTask task = new EvalTask("t", TaskType.MULTIPLE_CHOICE, "Answer.", docs, train);
        assertEquals(List.of("Answer.\n\nQ: t?\nA: yes\n\nQ: a?\nA:", "Answer.\n\nQ: t?\nA: yes\n\nQ: b?\nA:"),
                new FewShotContexts(1).contexts(task));
        assertEquals(List.of("Answer.\n\nQ: a?\nA:", "Answer.\n\nQ: b?\nA:"), new FewShotContexts(0).contexts(task));
        EvalTask plain = new EvalTask("t", TaskType.MULTIPLE_CHOICE, "", docs);
        // Without training documents the only other document is the example.
        assertEquals("Q: b?\nA: x\n\nQ: a?\nA:", new FewShotContexts(1).context(plain, 0));
    }

    @Test
    void tooFewDocumentsForTheShotsIsAnError() {
        List<EvalDoc> docs = List.of(new LambadaDoc("a b"), new LambadaDoc("c d"), new LambadaDoc("e f"));
        EvalTask plain = new EvalTask("t", TaskType.LAMBADA, "", docs);
        assertEquals(2, new FewShotContexts(2).exampleIndices(plain).get(0).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FewShotContexts(3).contexts(plain));
        assertTrue(e.getMessage().contains("needs at least 4"), e.getMessage());
        EvalTask trained = new EvalTask("t", TaskType.LAMBADA, "", docs, List.of(new LambadaDoc("g h")));
        assertEquals(List.of(0), new FewShotContexts(1).exampleIndices(trained).get(2));
        assertThrows(IllegalArgumentException.class, () -> new FewShotContexts(2).contexts(trained));
        assertThrows(IllegalArgumentException.class, () -> new FewShotContexts(-1));
    }

    @Test
    void trainingDocumentsMustHaveTheTasksType() {
        assertThrows(IllegalArgumentException.class, () -> new EvalTask("t", TaskType.LAMBADA, "",
                List.of(new LambadaDoc("a b")), List.of(new MultipleChoiceDoc("q", List.of("x", "y"), 0))));
    }
}
