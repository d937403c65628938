package dev.wafer.formats.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.FewShotContexts;

/**
 * The task files give the prompts lm-evaluation-harness v0.3.0 builds from the same documents, as printed by
 * conformance/golden/make_fewshot_fixtures.py into {@code fewshot/harness-prompts.json}.
 */
class HarnessFewShotPromptsTest {

    @Test
    void taskFilesGiveTheHarnessPrompts() throws IOException {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/fewshot/harness-prompts.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        Set<String> covered = new HashSet<>();
        for (JsonNode c : fixture.get("cases")) {
            String resource = c.get("resource").asText();
            int shots = c.get("shots").asInt();
            EvalTask task = read(resource).stream().filter(t -> t.name().equals(c.get("task").asText())).findFirst().orElseThrow();
            List<String> expected = new ArrayList<>();
            c.get("prompts").forEach(p -> expected.add(p.asText()));
            assertEquals(expected, new FewShotContexts(shots).contexts(task), resource + " " + task.name() + " " + shots + "-shot");
            covered.add(task.name() + (task.hasTrainDocs() ? ":train" : ":docs") + ":" + (shots > 0));
        }
        // Both example pools, zero- and few-shot, were compared.
        assertTrue(covered.containsAll(Set.of("toy_science:train:true", "many_lambada:docs:true", "trained_mc:train:true",
                "toy_qa:docs:false")), covered.toString());
    }

    private static List<EvalTask> read(String resource) throws IOException {
        try (InputStream in = HarnessFewShotPromptsTest.class.getResourceAsStream(resource)) {
            return TaskJsonlReader.read(resource, in);
        }
    }
}
