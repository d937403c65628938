package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wafer eval --task NAME --data FILE} and {@code --tasks paper --data-dir DIR} on harness-format files. */
class EvalHarnessCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path model;
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        model = tmp.resolve("gpt2-vocab");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "64", "--batch", "1", "--steps", "2", "--seed", "5", "--out", model.toString(), "--json").exitCode());
        dir = Files.createDirectory(tmp.resolve("data"));
        write("hellaswag_val.jsonl", "{\"activity_label\": \"Roof shingle removal\", \"ctx_a\": \"A man is sitting on a roof.\","
                + " \"ctx_b\": \"he\", \"label\": 3, \"endings\": [\"is using wrap.\", \"is ripping tiles off.\","
                + " \"is holding a cube.\", \"starts pulling up roofing.\"]}\n");
        write("valid.jsonl", "{\"goal\": \"To dry a shirt,\", \"sol1\": \"hang it up.\", \"sol2\": \"soak it.\"}\n"
                + "{\"goal\": \"To cut paper,\", \"sol1\": \"use scissors.\", \"sol2\": \"use soup.\"}\n");
        write("valid-labels.lst", "0\n0\n");
        write("dev.jsonl", "{\"sentence\": \"Ann thanked Bo because _ had helped.\", \"option1\": \"Ann\", \"option2\": \"Bo\", \"answer\": \"2\"}\n");
        write("train_xl.jsonl", "{\"sentence\": \"The cup fell because _ was slippery.\", \"option1\": \"the cup\", \"option2\": \"the hand\", \"answer\": \"2\"}\n");
        write("lambada_test.jsonl", "{\"text\": \"She opened the door and saw her cat\"}\n{\"text\": \"He drank a cup of tea\"}\n");
        write("ARC-Easy-Test.jsonl", "{\"question\": {\"stem\": \"Which is a gas?\", \"choices\": [{\"text\": \"ice\", \"label\": \"1\"},"
                + " {\"text\": \"steam\", \"label\": \"2\"}]}, \"answerKey\": \"2\"}\n");
        write("ARC-Challenge-Test.jsonl", "{\"question\": {\"stem\": \"Which is hot?\", \"choices\": [{\"text\": \"fire\", \"label\": \"A\"},"
                + " {\"text\": \"snow\", \"label\": \"B\"}]}, \"answerKey\": \"A\"}\n");
        write("test.jsonl", "{\"question\": {\"stem\": \"The sun is\", \"choices\": [{\"text\": \"a star\", \"label\": \"A\"},"
                + " {\"text\": \"a moon\", \"label\": \"B\"}]}, \"answerKey\": \"A\"}\n");
        write("crows_pairs_anonymized.csv", ",sent_more,sent_less,stereo_antistereo,bias_type\n"
                + "0,\"Old people are slow, always.\",\"Young people are slow, always.\",stereo,age\n"
                + "1,Poor people are lazy.,Rich people are lazy.,stereo,socioeconomic\n");
    }

    private static void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out());
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void piqaRequestsAreWrittenAsScoredAndAccFollowsFromThem() throws Exception {
        Path req = tmp.resolve("piqa-requests.jsonl");
        JsonNode r = json("eval", "--checkpoint", model.toString(), "--task", "piqa", "--data",
                dir.resolve("valid.jsonl").toString(), "--write-requests", req.toString(), "--json");
        List<JsonNode> reqs = lines(req);
        // piqa.py doc_to_text + MultipleChoiceTask.construct_requests: " " + sol1, " " + sol2 per document.
        assertEquals(List.of("0|Question: To dry a shirt,\nAnswer:| hang it up.", "0|Question: To dry a shirt,\nAnswer:| soak it.",
                "1|Question: To cut paper,\nAnswer:| use scissors.", "1|Question: To cut paper,\nAnswer:| use soup."),
                reqs.stream().map(n -> n.get("doc_index").asInt() + "|" + n.get("context").asText() + "|"
                        + n.get("continuation").asText()).toList());
        // acc and acc_norm recomputed from the written log-likelihoods with MultipleChoiceTask.process_results (gold 0).
        double acc = 0;
        double accNorm = 0;
        for (int d = 0; d < 2; d++) {
            double a = reqs.get(2 * d).get("loglikelihood").asDouble();
            double b = reqs.get(2 * d + 1).get("loglikelihood").asDouble();
            int lenA = reqs.get(2 * d).get("continuation").asText().length() - 1;
            int lenB = reqs.get(2 * d + 1).get("continuation").asText().length() - 1;
            acc += a >= b ? 0.5 : 0;
            accNorm += a / lenA >= b / lenB ? 0.5 : 0;
        }
        JsonNode row = r.get("tasks").get(0);
        assertEquals("piqa", row.get("task").asText());
        assertEquals(acc, row.get("acc").asDouble(), 0.0);
        assertEquals(accNorm, row.get("acc_norm").asDouble(), 0.0);
        // mean_stderr of two 0/1 values: 0 when they agree, 0.5 when they differ.
        assertEquals(acc == 0.5 ? 0.5 : 0.0, row.get("acc_stderr").asDouble(), 1e-12);
    }

    @Test
    void winograndeFewShotUsesTheTrainingFileAndPartialScoring() throws Exception {
        Path req = tmp.resolve("wino-requests.jsonl");
        json("eval", "--checkpoint", model.toString(), "--task", "winogrande", "--data", dir.resolve("dev.jsonl").toString(),
                "--fewshot-data", dir.resolve("train_xl.jsonl").toString(), "--shots", "1", "--write-requests", req.toString(),
                "--json");
        // fewshot_context: doc_to_text(ex) + doc_to_target(ex) + "\n\n" + ...; append_context swaps the last piece
        // for partial_context(doc, option); partial_target is " had helped." for both options.
        String example = "The cup fell because the hand was slippery.";
        assertEquals(List.of(example + "\n\nAnn thanked Bo because Ann| had helped.",
                example + "\n\nAnn thanked Bo because Bo| had helped."),
                lines(req).stream().map(n -> n.get("context").asText() + "|" + n.get("continuation").asText()).toList());
    }

    @Test
    void paperTasksGiveTable3ColumnsAndTheirAverage() throws Exception {
        JsonNode r = json("eval", "--checkpoint", model.toString(), "--tasks", "paper", "--data-dir", dir.toString(), "--json");
        JsonNode t3 = r.get("table3");
        List<String> names = new ArrayList<>();
        t3.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("hellaswag", "piqa", "winogrande", "lambada_openai", "arc_easy", "arc_challenge", "openbookqa",
                "downstream_average"), names);
        double sum = 0;
        for (int i = 0; i < 7; i++) {
            sum += t3.get(names.get(i)).asDouble();
        }
        assertEquals(sum / 7, t3.get("downstream_average").asDouble(), 1e-12);
        JsonNode lambada = r.get("tasks").get(3);
        assertEquals("lambada_openai", lambada.get("task").asText());
        assertTrue(lambada.get("ppl").asDouble() > 1, lambada.toString());
        assertTrue(lambada.has("ppl_stderr"), lambada.toString());
        CliRun table = CliRun.of("eval", "--checkpoint", model.toString(), "--tasks", "paper", "--data-dir", dir.toString());
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("downstream_average"), table.out());
        assertTrue(table.out().contains("acc_norm"), table.out());
    }

    @Test
    void lambadaPplAndAccFollowFromTheWrittenRequests() throws Exception {
        Path req = tmp.resolve("lambada-requests.jsonl");
        JsonNode r = json("eval", "--checkpoint", model.toString(), "--task", "lambada_openai", "--data",
                dir.resolve("lambada_test.jsonl").toString(), "--write-requests", req.toString(), "--json");
        List<JsonNode> reqs = lines(req);
        // lambada.py: context text.rsplit(" ", 1)[0], target " " + last word; one request per passage.
        assertEquals(List.of("She opened the door and saw her| cat", "He drank a cup of| tea"),
                reqs.stream().map(n -> n.get("context").asText() + "|" + n.get("continuation").asText()).toList());
        // metrics.perplexity: exp(-mean(ll)) over passages; acc: mean of is_greedy.
        double ll0 = reqs.get(0).get("loglikelihood").asDouble();
        double ll1 = reqs.get(1).get("loglikelihood").asDouble();
        JsonNode row = r.get("tasks").get(0);
        assertEquals(Math.exp(-(ll0 + ll1) / 2), row.get("ppl").asDouble(), 1e-9 * row.get("ppl").asDouble());
        double greedy = (reqs.get(0).get("is_greedy").asBoolean() ? 0.5 : 0) + (reqs.get(1).get("is_greedy").asBoolean() ? 0.5 : 0);
        assertEquals(greedy, row.get("acc").asDouble(), 0.0);
    }

    @Test
    void crowsPairsFromTheReleaseCsvPerCategory() throws Exception {
        Path req = tmp.resolve("crows-requests.jsonl");
        JsonNode r = json("eval", "--checkpoint", model.toString(), "--task", "crows_pairs_english", "--data",
                dir.resolve("crows_pairs_anonymized.csv").toString(), "--write-requests", req.toString(), "--json");
        List<JsonNode> reqs = lines(req);
        assertEquals("", reqs.get(0).get("context").asText());
        assertEquals("Old people are slow, always.", reqs.get(0).get("continuation").asText());
        double diff0 = Math.abs(reqs.get(0).get("loglikelihood").asDouble() - reqs.get(1).get("loglikelihood").asDouble());
        double diff1 = Math.abs(reqs.get(2).get("loglikelihood").asDouble() - reqs.get(3).get("loglikelihood").asDouble());
        JsonNode all = r.get("tasks").get(0);
        assertEquals((diff0 + diff1) / 2, all.get("likelihood_difference").asDouble(), 1e-12);
        assertEquals("crows_pairs_english_age", r.get("tasks").get(1).get("task").asText());
        assertEquals(diff0, r.get("tasks").get(1).get("likelihood_difference").asDouble(), 1e-12);
    }

    @Test
    void wrongSchemaAndFlagsAreOneLineErrors() {
        CliRun run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "hellaswag", "--data",
                dir.resolve("dev.jsonl").toString());
        assertEquals(2, run.exitCode());
        assertEquals("wafer: hellaswag: " + dir.resolve("dev.jsonl") + ":1: field 'activity_label' must be a string (missing)",
                run.err().strip());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "crows_pairs_english", "--shots", "5", "--data",
                dir.resolve("crows_pairs_anonymized.csv").toString());
        assertTrue(run.err().contains("zero-shot only"), run.err());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "piqa", "--shots", "5", "--data",
                dir.resolve("valid.jsonl").toString());
        assertTrue(run.err().contains("give --fewshot-data FILE"), run.err());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "lambada_openai", "--data",
                dir.resolve("lambada_test.jsonl").toString(), "--fewshot-data", dir.resolve("lambada_test.jsonl").toString(),
                "--shots", "1");
        assertTrue(run.err().contains("has no training split"), run.err());
        // Too few documents to draw the examples from: one line naming the file, not an internal error.
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "winogrande", "--data",
                dir.resolve("dev.jsonl").toString(), "--fewshot-data", dir.resolve("train_xl.jsonl").toString(),
                "--shots", "5");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --shots 5: task winogrande has 1 training document; 5-shot evaluation needs at least 5"
                + " (from --fewshot-data " + dir.resolve("train_xl.jsonl") + ")", run.err().strip());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "lambada_openai", "--data",
                dir.resolve("lambada_test.jsonl").toString(), "--shots", "2");
        assertEquals("wafer: --shots 2: task lambada_openai has 2 documents; 2-shot evaluation needs at least 3"
                + " (from --data " + dir.resolve("lambada_test.jsonl") + ")", run.err().strip());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--task", "hellaswag_v9", "--data", "x");
        assertTrue(run.err().contains("unknown task 'hellaswag_v9'"), run.err());
        run = CliRun.of("eval", "--checkpoint", model.toString(), "--tasks", "paper", "--data-dir", tmp.toString());
        assertTrue(run.err().startsWith("wafer: --data-dir: hellaswag: "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
