package dev.wafer.app.cli;

import dev.wafer.formats.eval.RequestsFile;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.text.Tokenizers;
import dev.wafer.domain.session.ModelAssembly;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.eval.EvalReport;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.FewShotContexts;
import dev.wafer.domain.eval.PackedTestSetLoss;
import dev.wafer.domain.eval.PublishedResults;
import dev.wafer.domain.eval.RequestBuilder;
import dev.wafer.domain.eval.TaskRequests;
import dev.wafer.domain.eval.TaskEvaluator;
import dev.wafer.domain.eval.UnscorableDocumentException;
import dev.wafer.domain.eval.VocabularyCorrection;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.GptScorer;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.PrefixSharingScorer;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.text.Tokenizer;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer eval}: the paper's upstream metric (test-set cross-entropy in nats per token over packed,
 * non-overlapping windows) and downstream multiple-choice tasks under lm-evaluation-harness rules.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint: test-set cross-entropy (--data) and/or downstream tasks (--tasks).")
public final class EvalCommand implements Runnable {

    /** How often progress is printed while tasks are scored. */
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    @Spec
    CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    @Inject
    CheckpointStore store;

    @Inject
    Tokenizers tokenizers;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint file or a train --out directory.")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "A prepared dataset (its test split), a little-endian uint16 token file (.bin, .tokens,"
                    + " .tok, .u16, .uint16), or text (.txt, .md and the like; tokenised with the tokenizer of the model's"
                    + " training data, GPT-2 when it records none, end-of-text appended). Another name is read as"
                    + " its bytes say, and refused when they fit both.")
    Path data;

    @Option(names = "--seq", paramLabel = "T", description = "Window length in targets (default: the model's positions).")
    Integer seq;

    @Option(names = "--max-windows", paramLabel = "N", description = "Score at most N windows (default: all).")
    Long maxWindows;

    @Option(names = "--gpt2-tokens", paramLabel = "N",
            description = "Vocabulary correction: GPT-2's token count for the same text, when the data was tokenised"
                    + " with another tokenizer, N counting the whole text; adds gpt2_tokens_scored = N x scored"
                    + " targets / the text's targets (the part the windows scored) and loss_gpt2_equivalent = loss x"
                    + " scored targets / gpt2_tokens_scored.")
    Long gpt2Tokens;

    @Option(names = "--tasks", arity = "1..*", paramLabel = "FILE|builtin|paper",
            description = "Task .jsonl files or directories (schema: formats/src/main/resources/tasks/README.md), builtin,"
                    + " or paper (the seven Table 3 tasks from --data-dir).")
    List<String> tasks;

    @Option(names = "--task", paramLabel = "NAME",
            description = "A harness task (hellaswag, piqa, winogrande, lambada_openai, arc_easy, arc_challenge,"
                    + " openbookqa, crows_pairs_english) read from --data FILE: its release file or an HF export.")
    String task;

    @Option(names = "--fewshot-data", paramLabel = "FILE",
            description = "With --task: the training split few-shot examples are drawn from.")
    Path fewshotData;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "With --tasks paper: the directory holding the seven tasks' files.")
    Path dataDir;

    @Option(names = "--write-requests", paramLabel = "FILE",
            description = "Write every loglikelihood request as a JSON line (task, doc_index, context, continuation,"
                    + " loglikelihood, is_greedy), exactly as scored.")
    Path writeRequests;

    @Option(names = "--overwrite", description = "Let --write-requests replace an existing file.")
    boolean overwrite;

    @Option(names = "--shots", defaultValue = "0", paramLabel = "K", description = "Few-shot examples per context (default ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--batch-tokens", defaultValue = "512", paramLabel = "N",
            description = "Task requests per forward pass: rows of up to the window, at most N input positions in all"
                    + " (at least one window; default ${DEFAULT-VALUE}); 0 scores one request per pass padded to the"
                    + " full window (the unbatched scorer).")
    int batchTokens;

    @Option(names = "--share-contexts", defaultValue = "auto", paramLabel = "auto|on|off",
            description = "Run each task context through the model once for all of its continuations (the choices"
                    + " of a document), then each continuation after it: auto (default) where the backend can, on,"
                    + " or off (one row per request, as the harness).")
    TaskScoring.Sharing shareContexts;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    /** Held on --write-requests from its check to its write (see {@link OutputLock}). */
    private dev.wafer.formats.fileio.ExclusiveLock requestsLock;

    @Override
    public void run() {
        try {
            evaluate();
        } finally {
            if (requestsLock != null) {
                requestsLock.close();
            }
        }
    }

    private void evaluate() {
        boolean paper = tasks != null && tasks.contains("paper");
        if (data == null && (tasks == null || tasks.isEmpty()) && task == null) {
            throw new UserError("give --data DIR|FILE (test-set loss), --tasks FILE...|builtin|paper, or --task NAME --data FILE");
        }
        if (shots < 0) {
            throw new UserError("--shots must be >= 0, found " + shots);
        }
        checkHarnessFlags(paper);
        checkTestLossFlags();
        if (writeRequests != null) { // before any work: an existing file or a missing folder
            RequestsFile.checkWritable(writeRequests, overwrite);
            requestsLock = OutputLock.beside("--write-requests", writeRequests);
            RequestsFile.checkWritable(writeRequests, overwrite); // a file another writer finished meanwhile
        }
        CheckpointedModel model = CheckpointedModel.read(store, "--checkpoint", checkpoint);
        int window = seq != null ? seq : model.shape().seqLength();
        if (window < 1 || window > model.shape().seqLength()) {
            throw new UserError("--seq must be in [1, " + model.shape().seqLength() + "] (the model's positions), found " + window);
        }
        Tokenizer tokenizer = tokenizers.create("gpt2");
        if (data != null && task == null) {
            EvalTokenizers.requireTrainedTokenizer(model, data);
        }
        if (task != null || tasks != null) {
            EvalTokenizers.requireGpt2Trained(model, task != null ? "--task" : "--tasks");
        }
        // A token file or test split is read as it is scored; the ids of the part --max-windows scores are checked.
        EvalTokens stream = data == null || task != null ? null : EvalTokenStream.read(data,
                () -> EvalTokenizers.textTokenizer(model, data, tokenizers), model.shape().vocabSize(),
                maxWindows == null || maxWindows > (Long.MAX_VALUE - 1) / window ? Long.MAX_VALUE
                        : maxWindows * window + 1);
        try {
            evaluate(model, window, tokenizer, stream, paper);
        } finally {
            if (stream != null) {
                stream.close();
            }
        }
    }

    private void evaluate(CheckpointedModel model, int window, Tokenizer tokenizer, EvalTokens stream,
                          boolean paper) {
        List<EvalTask> taskList = task != null ? List.of(HarnessSelection.one(task, data, fewshotData, shots))
                : paper ? HarnessSelection.paper(dataDir, shots)
                : tasks == null ? List.of() : EvalTaskSources.read(tasks);
        FewShotContexts fewShot = new FewShotContexts(shots);
        for (EvalTask t : taskList) {
            // Refused here, before the model loads, naming where the documents came from.
            fewShot.shortage(t).ifPresent(why -> {
                throw new UserError("--shots " + shots + ": " + why + " (from " + examplesSource(t, paper) + ")");
            });
        }
        if (batchTokens < 0) {
            throw new UserError("--batch-tokens must be >= 0, found " + batchTokens);
        }
        if (shareContexts != TaskScoring.Sharing.auto && taskList.isEmpty()) {
            throw new UserError("--share-contexts goes with tasks (--task or --tasks)");
        }
        // Rows of the scoring model: test-set loss and the unbatched scorer use one; batched tasks fill B x T.
        int rows = taskList.isEmpty() || batchTokens == 0 ? 1 : Math.max(1, batchTokens / window);
        Map<String, Object> result = new LinkedHashMap<>();
        try (ComputeBackend backend = backends.open(); TensorScope scope = backend.openScope()) {
            TaskScoring method = taskList.isEmpty() ? TaskScoring.BATCHED
                    : TaskScoring.choose(shareContexts, batchTokens, backend);
            ScoringBudget.check(model.shape(), batchTokens, rows, window, !taskList.isEmpty()
                    && method == TaskScoring.SHARED_CONTEXTS, stream != null || method != TaskScoring.SHARED_CONTEXTS);
            GptScorer scorer = null;
            ParameterSet params;
            if (stream != null || method != TaskScoring.SHARED_CONTEXTS) {
                GptModel gpt = ModelAssembly.forScoring(backend, scope, model.shape(), model.parameterisation(), rows,
                        window);
                model.copyInto(gpt.parameters());
                scorer = new GptScorer(gpt);
                params = gpt.parameters();
            } else { // the shared-context scorer keeps its own activations: only the parameters are needed
                params = model.upload(scope);
            }
            if (stream != null) {
                result.putAll(testLoss(stream, window, scorer));
            }
            if (!taskList.isEmpty()) {
                PrefixSharingScorer shared = method != TaskScoring.SHARED_CONTEXTS ? null
                        : new PrefixSharingScorer(backend, scope, params, model.parameterisation(), window,
                                rows * window);
                RequestBuilder requests = new RequestBuilder(new ModelVocabularyTokenizer(tokenizer,
                        model.shape().vocabSize()), window,
                        RequestBuilder.GPT2_EOT < model.shape().vocabSize() ? RequestBuilder.GPT2_EOT : 0);
                long before = scorer == null ? 0 : scorer.layerPositions(); // the test-set loss's are not the tasks'
                // --batch-tokens 0: the scorer's own one-request, full-window pass (kept as the reference).
                TaskEvaluator evaluator = new TaskEvaluator(requests, TaskScoring.scoring(method, scorer, shared),
                        fewShot)
                        .withProgress(new Progress(spec.commandLine().getErr(), TaskRequests.count(taskList),
                                taskList.size(), PROGRESS_EVERY_NANOS, System::nanoTime));
                EvalReport report;
                if (writeRequests != null) {
                    try (RequestsFile file = new RequestsFile(writeRequests)) {
                        report = evaluator.withRequestLog(file).evaluate(taskList);
                        file.commit(); // only a complete evaluation replaces the file
                        StaleTemps.remove(writeRequests, StaleTemps.NUMBERED); // what killed runs left
                    } catch (java.io.UncheckedIOException e) {
                        if (e.getMessage() != null && e.getMessage().startsWith("--write-requests ")) {
                            // The file's write failed (a full disk): its path and the reason, not the temporary's.
                            throw WriteFailure.of("--write-requests " + writeRequests, e.getCause());
                        }
                        throw e;
                    }
                } else {
                    report = evaluator.evaluate(taskList);
                }
                result.put("tasks", EvalOutput.taskRows(report));
                if (task != null || paper) { // the tables' tasks; the builtin toy tasks have no published figures
                    published(model).ifPresent(row -> result.put("published", row));
                }
                result.put("average", report.averages());
                result.put("scoring", method.describe(shareContexts, backend,
                        shared != null ? shared.layerPositions() : scorer.layerPositions() - before));
                if (paper) {
                    result.put("table3", PaperTable.columns(report));
                }
            }
        } catch (dev.wafer.domain.generate.NonFiniteOutputException e) {
            throw CheckpointedModel.broken("--checkpoint " + checkpoint, e);
        } catch (UnscorableDocumentException e) { // names the file and line; nothing was scored yet
            throw new UserError(e.getMessage() + "; drop the document"
                    + (window < model.shape().seqLength() ? " or give a larger --seq (the model holds "
                            + model.shape().seqLength() + ")" : ""));
        }
        EvalOutput.print(spec.commandLine().getOut(), result, json, task != null);
    }

    private Map<String, Object> testLoss(EvalTokens stream, int window, GptScorer scorer) {
        PackedTestSetLoss loss = new PackedTestSetLoss(window, false);
        long windows = loss.windowCount(stream.length());
        if (windows == 0) {
            throw new UserError(EvalTokenStream.tooShort(data, stream.length(), window));
        }
        if (maxWindows != null && maxWindows < windows) {
            windows = maxWindows;
        }
        CrossEntropyTotals totals = TestLossStretches.score(stream, window, windows, scorer,
                TestLossStretches.STRETCH_TOKENS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss_nats_per_token", totals.natsPerToken());
        m.put("tokens", totals.tokens());
        m.put("windows", windows);
        m.put("sequence_length", window);
        if (gpt2Tokens != null) {
            // N counts the whole text; the windows score only part of it (--max-windows, the tail that fills no
            // window), so N is scaled to the scored targets: the text's tokenizer ratio, applied to what was scored.
            long targets = stream.length() - 1L;
            double scoredGpt2 = (double) gpt2Tokens * totals.tokens() / targets;
            m.put("gpt2_tokens_scored", scoredGpt2);
            // loss x scored / scaled N = loss x (the text's targets) / N
            m.put("loss_gpt2_equivalent", VocabularyCorrection.toGpt2Equivalent(totals.natsPerToken(), targets,
                    gpt2Tokens));
        }
        return m;
    }

    /**
     * The paper's published figures (Tables 8 and 9) for an imported Cerebras-GPT model, recognised by the name of
     * the directory it was imported from; only for 0 or 5 shots, the tables' settings.
     */
    private java.util.Optional<Map<String, Object>> published(CheckpointedModel model) {
        return model.importedFrom().flatMap(PublishedResults::size).flatMap(size -> PublishedResults.row(size, shots))
                .map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("model", r.model());
                    m.put("shots", r.shots());
                    m.put("source", r.source());
                    m.put("acc", r.accuracy());
                    m.put(PaperTable.AVERAGE, r.average());
                    if (!Double.isNaN(r.pileXent())) {
                        m.put("pile_test_xent", r.pileXent());
                    }
                    return m;
                });
    }

    /** The flag and file a task's few-shot examples are drawn from, for a refusal. */
    private String examplesSource(EvalTask t, boolean paper) {
        if (task != null) {
            return t.hasTrainDocs() ? "--fewshot-data " + fewshotData : "--data " + data;
        }
        return paper ? "--data-dir " + dataDir : "--tasks " + String.join(",", tasks);
    }

    /** Flags that belong to the harness tasks are refused elsewhere, in one line naming the flag. */
    private void checkHarnessFlags(boolean paper) {
        if (paper && tasks.size() > 1) {
            throw new UserError("--tasks paper runs the seven paper tasks; give no other --tasks with it");
        }
        if (task != null && tasks != null) {
            throw new UserError("give either --task NAME or --tasks, not both");
        }
        if (dataDir != null && !paper) {
            throw new UserError("--data-dir goes with --tasks paper");
        }
        if (fewshotData != null && task == null) {
            throw new UserError("--fewshot-data goes with --task NAME");
        }
        if (fewshotData != null && shots == 0) {
            // Zero-shot draws no examples: the file would go unread while the output says "shots 0".
            throw new UserError("--fewshot-data " + fewshotData + " goes with --shots K above 0; --shots is 0"
                    + (spec.commandLine().getParseResult().hasMatchedOption("--shots") ? "" : " (the default)")
                    + ", which draws no examples");
        }
        if (writeRequests != null && task == null && tasks == null) {
            throw new UserError("--write-requests needs tasks to evaluate (--task or --tasks)");
        }
        if (overwrite && writeRequests == null) {
            throw new UserError("--overwrite goes with --write-requests FILE");
        }
        boolean hasTasks = task != null || tasks != null;
        if (!hasTasks && shots != 0) {
            throw new UserError("--shots goes with tasks (--task or --tasks); --data alone is the test-set loss");
        }
        if (!hasTasks && spec.commandLine().getParseResult().hasMatchedOption("--batch-tokens")) {
            throw new UserError("--batch-tokens goes with tasks (--task or --tasks); the test-set loss scores one"
                    + " window per pass");
        }
    }

    /** --max-windows and --gpt2-tokens belong to the test-set loss: --data without --task. */
    private void checkTestLossFlags() {
        boolean testLoss = data != null && task == null;
        String where = task != null ? " (with --task, --data is the task's file)" : "";
        if (maxWindows != null && !testLoss) {
            throw new UserError("--max-windows goes with the test-set loss (--data DIR|FILE without --task)" + where);
        }
        if (gpt2Tokens != null && !testLoss) {
            throw new UserError("--gpt2-tokens goes with the test-set loss (--data DIR|FILE without --task)" + where);
        }
        if (gpt2Tokens != null && gpt2Tokens < 1) {
            throw new UserError("--gpt2-tokens must be a positive count, found " + gpt2Tokens);
        }
        if (maxWindows != null && maxWindows < 1) {
            throw new UserError("--max-windows must be positive, found " + maxWindows);
        }
    }
}
