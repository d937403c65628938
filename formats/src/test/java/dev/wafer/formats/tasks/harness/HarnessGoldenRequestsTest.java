package dev.wafer.formats.tasks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.FewShotContexts;
import dev.wafer.domain.eval.HarnessRequest;
import dev.wafer.domain.eval.TaskRequests;
import dev.wafer.domain.eval.harness.HarnessTask;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wafer's requests for the fixture files equal {@code harness-requests.jsonl}, which {@code harness_requests.py} wrote
 * by running the harness's own task code (v0.3.0 task modules, base.py {@code Task.fewshot_context} and
 * {@code MultipleChoiceTask}, evaluator.py's shuffle-then-visit loop; CrowS-Pairs at ea3df93), zero- and one-shot.
 * For one-shot, the evaluated file doubles as the training split (the harness samples from training docs without
 * excluding the current one; LAMBADA, which has none, samples k + 1 evaluated docs and drops the current one).
 */
class HarnessGoldenRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(HarnessGoldenRequestsTest.class.getResource("/harness/" + name).toURI());
    }

    @Test
    void requestsEqualTheHarnessRunOnTheSameFiles() throws IOException, URISyntaxException {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        List<JsonNode> golden = new ArrayList<>();
        for (String line : Files.readAllLines(fixture("harness-requests.jsonl"))) {
            golden.add(JSON.readTree(line));
        }
        // The harness visits documents in shuffled order; Wafer lists them in file order. Sort stably by document.
        golden.sort(Comparator.comparingInt(n -> n.get("doc_index").asInt()));
        for (JsonNode n : golden) {
            expected.computeIfAbsent(n.get("task").asText() + "/" + n.get("shots").asInt(), k -> new ArrayList<>())
                    .add(n.get("doc_index").asInt() + "|" + n.get("context").asText() + "|" + n.get("continuation").asText());
        }
        Map<String, String> files = Map.of("hellaswag", "hellaswag_val.jsonl", "piqa", "valid.jsonl", "winogrande",
                "dev.jsonl", "lambada_openai", "lambada_test.jsonl", "arc_easy", "ARC-Easy-Test.jsonl", "openbookqa",
                "openbookqa.jsonl", "crows_pairs_english", "crows_pairs_anonymized.csv");
        assertEquals(12, expected.size(), expected.keySet().toString());
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            String[] key = e.getKey().split("/");
            HarnessTask task = HarnessTask.fromName(key[0]);
            int shots = Integer.parseInt(key[1]);
            Path data = fixture(files.get(key[0]));
            EvalTask t = HarnessTaskFiles.task(task, data, shots > 0 && task.hasTrainingDocs() ? data : null);
            List<String> contexts = new FewShotContexts(shots).contexts(t);
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < t.docs().size(); i++) {
                for (HarnessRequest r : TaskRequests.of(i, t.docs().get(i), contexts.get(i))) {
                    actual.add(r.docIndex() + "|" + r.context() + "|" + r.continuation());
                }
            }
            assertEquals(e.getValue(), actual, e.getKey());
        }
    }
}
