package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.app.opencl.OpenClPlatform;
import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.WinograndeDoc;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.formats.hf.Gpt2Conversion;
import dev.wafer.formats.hf.Gpt2HfDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against PyTorch: a seeded GPT-2-vocabulary model, exported in Hugging Face layout under the name
 * {@code Cerebras-GPT-111M} and imported with {@code import-hf}, evaluated with {@code eval --tasks paper} on the
 * release-format fixtures (requests longer than its 32-token window included). Every request's log-likelihood and
 * is_greedy must match {@code golden.jsonl}, written by {@code conformance/golden/make_eval_golden.py} from the same
 * exported model and requests (plain torch forward, one unpadded pass per request); the reported metrics must be the
 * harness's formulas applied to the golden numbers; and the paper's Table 8 row must be printed beside them. The
 * same requests run on OpenCL and on the CUDA backend over the stand-in libraries must match the golden file too.
 *
 * <p>To regenerate: {@code mvn -pl app test -Dtest=EvalGoldenTest -Dwafer.eval.golden.dir=/tmp/g}, then
 * {@code /usr/bin/python3 conformance/golden/make_eval_golden.py /tmp/g/Cerebras-GPT-111M /tmp/g/requests.jsonl
 * app/src/test/resources/eval-golden/golden.jsonl}.
 */
class EvalGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 23L;
    private static final ModelShape SHAPE = ModelShape.withHeads(50257, 32, 2, 2, 16, 64);
    private static final Path FIXTURES = Path.of("..", "formats", "src", "test", "resources", "harness");

    @TempDir
    Path tmp;

    @Test
    void requestLogLikelihoodsAndMetricsMatchPyTorch() throws Exception {
        Path hf = tmp.resolve("Cerebras-GPT-111M");
        Path ckpt = importedModel(hf);
        Path requests = tmp.resolve("requests.jsonl");
        CliRun run = CliRun.of(evalArgs(ckpt, requests));
        assertEquals(0, run.exitCode(), run.err());
        String keep = System.getProperty("wafer.eval.golden.dir");
        if (keep != null) {
            Path dir = Files.createDirectories(Path.of(keep));
            Files.createDirectories(dir.resolve(hf.getFileName()));
            for (Path f : List.of(hf.resolve("config.json"), hf.resolve("model.safetensors"))) {
                Files.copy(f, dir.resolve(hf.getFileName()).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(requests, dir.resolve("requests.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        }
        List<JsonNode> golden = assertRequestsMatchGolden(requests, "cpu");
        JsonNode report = JSON.readTree(run.out());
        Map<String, List<JsonNode>> byTask = new LinkedHashMap<>();
        golden.forEach(g -> byTask.computeIfAbsent(g.get("task").asText(), k -> new ArrayList<>()).add(g));
        for (EvalTask task : HarnessSelection.paper(FIXTURES, 0)) {
            checkMetrics(task, byTask.get(task.name()), row(report, task.name()));
        }
        JsonNode published = report.get("published");
        assertEquals("cerebras/Cerebras-GPT-111M", published.get("model").asText());
        assertEquals(0.268, published.get("acc").get("hellaswag").asDouble());
        assertEquals(0.315, published.get("downstream_average").asDouble());
        assertEquals(2.608, published.get("pile_test_xent").asDouble());
        CliRun table = CliRun.of("eval", "--checkpoint", ckpt.toString(), "--task", "hellaswag", "--data",
                FIXTURES.resolve("hellaswag_val.jsonl").toString());
        assertTrue(table.out().contains("published") && table.out().contains("0.2680"), table.out());
    }

    /**
     * The same requests on OpenCL (PoCL where no GPU is present), scored with its own kernels, the attention after a
     * shared context included: every log-likelihood and is_greedy against PyTorch's. Skipped where no OpenCL platform
     * exists; a failure instead under {@code WAFER_EXPECT_OPENCL=1}.
     */
    @Test
    void onOpenClTheRequestsMatchPyTorch() throws Exception {
        OpenClPlatform.require();
        Path requests = tmp.resolve("requests-opencl.jsonl");
        CliRun run = CliRun.of(withBackend(evalArgs(importedModel(tmp.resolve("Cerebras-GPT-111M")), requests),
                "opencl"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"method\":\"shared-contexts\""), run.out());
        assertRequestsMatchGolden(requests, "opencl");
    }

    /**
     * The same requests on the CUDA backend over the stand-in libraries (the kernels NVRTC compiled, run by the
     * simulator, cuBLAS's products by the stand-in), in a child process that loads them.
     */
    @Test
    void onTheStandInCudaTheRequestsMatchPyTorch() throws Exception {
        Map<String, String> env = StandInCuda.environment();
        Path requests = tmp.resolve("requests-cuda.jsonl");
        String[] args = withBackend(evalArgs(importedModel(tmp.resolve("Cerebras-GPT-111M")), requests), "cuda");
        CliRun run = StandInCuda.run(tmp, MpiLauncher.wafer(List.of(args)), env);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"method\":\"shared-contexts\""), run.out());
        assertRequestsMatchGolden(requests, "cuda");
    }

    /** The seeded model exported in Hugging Face layout to {@code hf} and imported with {@code import-hf}. */
    private Path importedModel(Path hf) throws IOException {
        Gpt2HfDirectory.write(hf, Gpt2Conversion.toHf(new Gpt2Conversion.WaferModel(SHAPE, ParameterisationKind.SP, 1,
                weights())));
        Path ckpt = tmp.resolve("model.wafer");
        CliRun imported = CliRun.of("import-hf", "--from", hf.toString(), "--out", ckpt.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        return ckpt;
    }

    private static String[] evalArgs(Path ckpt, Path requests) {
        return new String[] {"eval", "--checkpoint", ckpt.toString(), "--tasks", "paper", "--data-dir",
            FIXTURES.toAbsolutePath().toString(), "--batch-tokens", "256", "--write-requests", requests.toString(),
            "--json"};
    }

    private static String[] withBackend(String[] args, String backend) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--backend";
        all[args.length + 1] = backend;
        return all;
    }

    /** Every request of {@code requests} against {@code golden.jsonl}: ids, log-likelihood and is_greedy. */
    private static List<JsonNode> assertRequestsMatchGolden(Path requests, String backend) throws IOException {
        List<JsonNode> golden = lines(Path.of("src", "test", "resources", "eval-golden", "golden.jsonl"));
        List<JsonNode> measured = lines(requests);
        assertEquals(golden.size(), measured.size(), backend + ": request count");
        Tolerance tol = Tolerances.GOLDEN_EVAL_LOGLIKELIHOOD;
        boolean truncated = false;
        for (int i = 0; i < golden.size(); i++) {
            JsonNode g = golden.get(i);
            JsonNode m = measured.get(i);
            String where = backend + ", request " + i + " (" + m.get("task").asText() + " doc "
                    + m.get("doc_index").asInt() + ")";
            assertEquals(g.get("task"), m.get("task"), where);
            assertEquals(g.get("context_tokens"), m.get("context_tokens"), where + ": context ids");
            assertEquals(g.get("continuation_tokens"), m.get("continuation_tokens"), where + ": continuation ids");
            double expected = g.get("loglikelihood").asDouble();
            double actual = m.get("loglikelihood").asDouble();
            assertTrue(tol.accepts(expected, actual), where + ": torch " + expected + ", wafer " + actual + " ("
                    + tol.reason() + ")");
            assertEquals(g.get("is_greedy").asBoolean(), m.get("is_greedy").asBoolean(), where + ": is_greedy");
            truncated |= g.get("context_tokens").size() + g.get("continuation_tokens").size() > SHAPE.seqLength() + 1;
        }
        assertTrue(truncated, "the fixtures must include requests longer than the window");
        return golden;
    }

    /**
     * The harness's process_results and aggregation from the golden numbers: acc = argmax(ll) == gold, acc_norm =
     * argmax(ll / len(choice)) == gold, WinoGrande acc = argmax == answer, LAMBADA acc = mean(is_greedy) and ppl =
     * exp(-mean(ll)); each a mean over documents.
     */
    private static void checkMetrics(EvalTask task, List<JsonNode> golden, JsonNode row) {
        int k = 0;
        double acc = 0;
        double accNorm = 0;
        double llSum = 0;
        for (EvalDoc doc : task.docs()) {
            switch (doc) {
                case MultipleChoiceDoc mc -> {
                    double[] ll = new double[mc.choices().size()];
                    double[] norm = new double[ll.length];
                    for (int c = 0; c < ll.length; c++) {
                        ll[c] = golden.get(k++).get("loglikelihood").asDouble();
                        String choice = mc.choices().get(c);
                        norm[c] = ll[c] / choice.codePointCount(0, choice.length());
                    }
                    acc += argmax(ll) == mc.gold() ? 1 : 0;
                    accNorm += argmax(norm) == mc.gold() ? 1 : 0;
                }
                case WinograndeDoc w -> {
                    double[] ll = {golden.get(k++).get("loglikelihood").asDouble(),
                        golden.get(k++).get("loglikelihood").asDouble()};
                    acc += argmax(ll) == w.gold() ? 1 : 0;
                }
                default -> {
                    JsonNode g = golden.get(k++);
                    acc += g.get("is_greedy").asBoolean() ? 1 : 0;
                    llSum += g.get("loglikelihood").asDouble();
                }
            }
        }
        assertEquals(golden.size(), k, task.name() + ": requests per document");
        int n = task.docs().size();
        assertEquals(acc / n, row.get("acc").asDouble(), 1e-12, task.name() + " acc");
        if (row.has("acc_norm")) {
            assertEquals(accNorm / n, row.get("acc_norm").asDouble(), 1e-12, task.name() + " acc_norm");
        }
        if (row.has("ppl")) {
            double ppl = Math.exp(-llSum / n);
            assertEquals(ppl, row.get("ppl").asDouble(), ppl * 1e-4, task.name() + " ppl");
        }
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static JsonNode row(JsonNode report, String task) {
        for (JsonNode r : report.get("tasks")) {
            if (r.get("task").asText().equals(task)) {
                return r;
            }
        }
        throw new AssertionError("no row for " + task + " in " + report);
    }

    /** Uniform weights from one seeded generator (nextDouble is specified, so every JDK draws the same). */
    private static Map<ParameterName, float[]> weights() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        Map<ParameterName, float[]> params = new EnumMap<>(ParameterName.class);
        for (ParameterSpec spec : new ParameterLayout(SHAPE).specs()) {
            long size = 1;
            for (int d : spec.shape()) {
                size *= d;
            }
            float[] v = new float[Math.toIntExact(size)];
            double center = switch (spec.role()) {
                case NORM_WEIGHT -> 1.0;
                default -> 0.0;
            };
            double half = switch (spec.role()) {
                case TOKEN_EMBEDDING, HIDDEN_WEIGHT, OUTPUT_WEIGHT -> 0.35;
                default -> 0.17;
            };
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (center + half * (2 * rnd.nextDouble() - 1));
            }
            params.put(spec.name(), v);
        }
        return params;
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }
}
