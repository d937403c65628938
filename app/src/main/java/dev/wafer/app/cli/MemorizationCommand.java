package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;


import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.text.Tokenizers;
import dev.wafer.formats.data.PackedSplitCorpus;
import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.Progress;
import dev.wafer.formats.data.TextFileCorpus;
import dev.wafer.domain.audit.AuditPlan;
import dev.wafer.domain.audit.MemorizationAudit;
import dev.wafer.domain.audit.MemorizationReport;
import dev.wafer.domain.audit.MemorizationSettings;
import dev.wafer.domain.audit.RowSelection;
import dev.wafer.domain.audit.TrainedRows;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.model.BatchGptInference;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenizedCorpus;
import dev.wafer.ports.text.Tokenizer;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wafer audit memorization}: the extractable memorization of Carlini et al. (2022) of a checkpoint on the
 * documents of a prepared dataset's split (by default on the train split only the rows the checkpoint was trained
 * on, {@link TrainedRowsResolver}), per source and per number of copies in the train split, naming the most memorized
 * documents, and on texts the user supplies (with whether they are in the train split). Decoding is batched
 * ({@code --batch} windows per pass).
 */
@Command(name = "memorization", mixinStandardHelpOptions = true,
        description = "Does the model reproduce its training data? Feed P tokens of sampled windows, decode S greedily,"
                + " count exact continuations (Carlini et al. 2022).")
public final class MemorizationCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    @Inject
    CheckpointStore store;

    @Inject
    Tokenizers tokenizers;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint file or a train --out directory.")
    Path checkpoint;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "The prepared dataset it was trained on.")
    Path dataset;

    @Option(names = "--split", defaultValue = "train", paramLabel = "train|val|test",
            description = "Split to sample documents from (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--rows", paramLabel = "trained|all",
            description = "Rows sampled: those the checkpoint was trained on (the default for --split train) or all"
                    + " rows of the split (the default for val and test).")
    String rows;

    @Option(names = "--source", paramLabel = "NAME", description = "Only documents of this source (repeatable).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--prefix", defaultValue = "50", paramLabel = "P", description = "Tokens fed (default ${DEFAULT-VALUE}).")
    int prefix;

    @Option(names = "--suffix", defaultValue = "50", paramLabel = "S",
            description = "Tokens generated and compared (default ${DEFAULT-VALUE}).")
    int suffix;

    @Option(names = "--samples", defaultValue = "1000", paramLabel = "N",
            description = "Windows sampled, per dataset and per --text (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the sample (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--text", paramLabel = "FILE", description = "A work of your own, UTF-8 text, reported separately (repeatable).")
    List<Path> texts = new ArrayList<>();

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "The dataset's tokenizer.json, for --text when the dataset used a Hugging Face tokenizer.")
    Path tokenizerFile;

    @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "Most memorized documents named (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Windows decoded at once (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Print JSON: samples, memorized_fraction, token_match_rate, rows,"
            + " candidates, epochs_seen, by_source, by_duplication, by_times_seen, top_documents, texts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        MemorizationSettings settings = settings();
        Split chosen = split();
        boolean trainedOnly = trainedOnly(chosen);
        CheckpointedModel model = CheckpointedModel.read(store, "--checkpoint", checkpoint);
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset");
        DatasetManifest.Settings manifest = prepared.manifest().settings();
        requireFits(settings, model, manifest);
        int datasetVocab = manifest.vocabSize();
        String tokenizerName = manifest.tokenizer();
        requireSameTokenizerFile(manifest);
        List<TokenizedCorpus> textCorpora = readTexts(tokenizerName, datasetVocab);
        long started = System.nanoTime();
        MemorizationAudit audit = new MemorizationAudit(settings);
        Optional<TrainedRows> trained = Optional.empty();
        AuditPlan plan;
        try (PackedSplitCorpus corpus = PackedSplitCorpus.open(prepared, dataset, chosen, new LinkedHashSet<>(sources))) {
            RowSelection selection = RowSelection.all();
            if (chosen == Split.TRAIN) {
                TrainedRowsResolver resolved = TrainedRowsResolver.resolve(model, dataset, prepared.manifest(),
                        corpus.rows(), settings.window());
                if (trainedOnly && resolved.rows().isEmpty()) {
                    throw new UserError(resolved.refusal() + "; pass --rows all to sample every row of the split");
                }
                trained = resolved.rows();
                selection = trained.map(t -> trainedOnly ? RowSelection.trainedOnly(t) : RowSelection.all(t))
                        .orElse(RowSelection.all());
            }
            plan = audit.planRows(corpus, selection);
        }
        if (plan.samples().isEmpty()) {
            SourceAbsence.of(dataset, prepared.manifest(), sources).ifPresent(why -> {
                throw new UserError(why);
            });
            throw new UserError("--dataset " + dataset + ": no " + chosen.fileName() + " training sequence"
                    + (sources.isEmpty() ? "" : " of --source " + DisplayName.all(sources))
                    + (trainedOnly ? " the checkpoint was trained on" : "") + " to sample"
                    + (trainedOnly ? " (the split's last row is never trained on, so it needs 2 rows or more)" : ""));
        }
        List<AuditPlan> textPlans = new ArrayList<>();
        for (int i = 0; i < textCorpora.size(); i++) {
            AuditPlan textPlan = audit.planWindows(textCorpora.get(i));
            if (textPlan.samples().isEmpty()) {
                throw new UserError("--text " + texts.get(i) + ": " + textCorpora.get(i).documents().get(0).tokens()
                        + " tokens, fewer than the " + settings.window() + " of --prefix + --suffix");
            }
            textPlans.add(textPlan);
        }
        List<AuditPlan> counted = countCopies(audit, prepared, plan, textPlans);
        plan = counted.get(0);
        textPlans = counted.subList(1, counted.size());
        int decodeBatch = decodeBatch(plan, textPlans, model, settings);
        try (ComputeBackend backend = backends.open(); TensorScope scope = backend.openScope()) {
            BatchGptInference inference = new BatchGptInference(backend, scope, model.upload(scope),
                    model.parameterisation(), decodeBatch, settings.positions());
            Progress progress = ConsoleProgress.forTerminal(json, System.err);
            MemorizationReport report = measure(audit, plan, inference, progress, "memorization " + chosen.fileName());
            List<MemorizationOutput.TextResult> textReports = new ArrayList<>();
            for (int i = 0; i < textPlans.size(); i++) {
                textReports.add(new MemorizationOutput.TextResult(texts.get(i), textCorpora.get(i).documents().get(0),
                        measure(audit, textPlans.get(i), inference, progress, "memorization "
                                + texts.get(i).getFileName())));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            MemorizationOutput.Fingerprints fingerprints = new MemorizationOutput.Fingerprints(
                    prepared.manifest().fingerprint(), model.trainedOn()
                            .map(dev.wafer.ports.checkpoint.TrainingHeader.Data::fingerprint).orElse(""));
            MemorizationOutput output = new MemorizationOutput(checkpoint, dataset, fingerprints, chosen, sources,
                    trainedOnly ? "trained" : "all", trained, report, textReports, seconds, backend.name());
            if (json) {
                Json.print(out, output.json());
            } else {
                output.print(out);
            }
            out.flush();
        } catch (dev.wafer.domain.generate.NonFiniteOutputException e) {
            throw CheckpointedModel.broken("--checkpoint " + checkpoint, e);
        }
        return 0;
    }

    /**
     * The windows decoded at once: --batch, but no more than the largest plan samples (a batch larger than the
     * samples would only allocate memory), and refused when one decode's tensors could not hold it.
     */
    private int decodeBatch(AuditPlan plan, List<AuditPlan> textPlans, CheckpointedModel model,
            MemorizationSettings settings) {
        int most = plan.samples().size();
        for (AuditPlan p : textPlans) {
            most = Math.max(most, p.samples().size());
        }
        int wanted = Math.min(batch, most);
        int largest = BatchGptInference.largestBatch(model.shape(), settings.positions());
        if (wanted > largest) {
            throw new UserError("--batch " + batch + ": " + wanted + " windows of " + settings.positions()
                    + " positions at once exceed what one decode can hold for this model (at most " + largest
                    + "); use a smaller --batch");
        }
        return wanted;
    }

    private MemorizationSettings settings() {
        if (tokenizerFile != null && texts.isEmpty()) {
            throw new UserError("--tokenizer " + tokenizerFile + " tokenizes --text files only, and none was given");
        }
        if (batch < 1) {
            throw new UserError("--batch must be >= 1, found " + batch);
        }
        try {
            return new MemorizationSettings(prefix, suffix, samples, seed, top);
        } catch (IllegalArgumentException e) {
            throw new UserError(withFlags(e.getMessage()));
        }
    }

    /** The settings' refusal with its parameters named as this command's flags (the domain names no flags). */
    static String withFlags(String message) {
        return SETTING.matcher(message).replaceAll(m -> switch (m.group()) {
            case "topDocuments" -> "--top";
            default -> "--" + m.group();
        });
    }

    private static final java.util.regex.Pattern SETTING =
            java.util.regex.Pattern.compile("\\b(prefix|suffix|samples|topDocuments)\\b");

    /** Whether only rows the checkpoint was trained on are sampled: {@code --rows}, by default for the train split. */
    private boolean trainedOnly(Split chosen) {
        if (rows == null) {
            return chosen == Split.TRAIN;
        }
        return switch (rows) {
            case "trained" -> {
                if (chosen != Split.TRAIN) {
                    throw new UserError("--rows trained: only the train split is trained on; --split "
                            + chosen.fileName() + " takes --rows all");
                }
                yield true;
            }
            case "all" -> false;
            default -> throw new UserError("--rows " + rows + ": expected trained or all");
        };
    }

    /**
     * Counts, in one pass over the train split, the copies of each sampled row's continuation and of each text
     * window (all P + S tokens): how duplicated what is audited is in the training data.
     */
    private List<AuditPlan> countCopies(MemorizationAudit audit, PreparedDataset prepared, AuditPlan plan,
                                        List<AuditPlan> textPlans) throws IOException {
        List<AuditPlan> out = new ArrayList<>();
        out.add(plan);
        out.addAll(textPlans);
        boolean hasTrain = prepared.manifest().split(Split.TRAIN).map(e -> e.sequences() > 0).orElse(false);
        if (!hasTrain) {
            return out; // nothing to count in: reported without copies
        }
        Progress progress = ConsoleProgress.forTerminal(json, System.err);
        try (PackedSplitCorpus train = PackedSplitCorpus.openRows(prepared, dataset, Split.TRAIN,
                java.util.Set.of());
             Progress.Task task = progress.start("copies in train", train.rows(), "rows")) {
            return audit.countCopies(List.of(plan), textPlans, train, (done, total) -> task.stepTo(done));
        }
    }

    private Split split() {
        try {
            return Split.ofFileName(split);
        } catch (IllegalArgumentException e) {
            throw new UserError("--split " + split + ": expected train, val or test");
        }
    }

    /** P + S - 1 positions fit the model, P + S tokens fit the dataset's rows, and the vocabularies agree. */
    private void requireFits(MemorizationSettings settings, CheckpointedModel model,
                            DatasetManifest.Settings manifest) {
        int context = model.shape().seqLength();
        if (settings.positions() > context) {
            throw new UserError("--prefix " + prefix + " + --suffix " + suffix + " needs " + settings.positions()
                    + " positions (P + S - 1) but the model in " + model.file() + " holds " + context
                    + "; lower --prefix or --suffix");
        }
        int datasetVocab = manifest.vocabSize();
        if (datasetVocab > model.shape().vocabSize()) {
            throw new UserError("--checkpoint " + model.file() + " has a vocabulary of " + model.shape().vocabSize()
                    + " but --dataset " + dataset + " was tokenized with "
                    + manifest.tokenizer() + " (" + datasetVocab
                    + " ids); audit a model trained on this dataset");
        }
        requireSameTokenizer(model, manifest);
        int rowLength = manifest.seqLen();
        if (settings.window() > rowLength) {
            throw new UserError("--prefix " + prefix + " + --suffix " + suffix + " = " + settings.window()
                    + " tokens but --dataset " + dataset + " packs rows of " + rowLength + "; lower --prefix or --suffix");
        }
    }

    /**
     * A model trained on text tokenized another way reads the audited ids as other words, and would report "0%
     * memorized" for text it knows by heart: refused when the dataset the checkpoint names can still be read and
     * its tokenizer differs (a dataset that is gone, or a model-only checkpoint, cannot be compared).
     */
    private void requireSameTokenizer(CheckpointedModel model, DatasetManifest.Settings audited) {
        TrainedTokenizer.requireSame(model, "--dataset", dataset, audited, "audit it");
    }

    private static MemorizationReport measure(MemorizationAudit audit, AuditPlan plan, BatchGptInference model,
                                              Progress progress, String name) {
        try (Progress.Task task = progress.start(name, plan.samples().size(), "windows")) {
            return audit.measure(plan, model, (done, total) -> task.stepTo(done));
        }
    }

    /**
     * A --tokenizer file must be the one the dataset was prepared with: another with as many ids gives the same
     * words other ids, and the audit reported training text as absent. Compared by the SHA-256 the manifest
     * records; a manifest from before it was recorded is checked by vocabulary size only, which a note says.
     */
    private void requireSameTokenizerFile(DatasetManifest.Settings manifest) {
        if (tokenizerFile == null || texts.isEmpty()) {
            return;
        }
        if (!manifest.tokenizer().startsWith("hf:")) {
            throw new UserError("--tokenizer " + tokenizerFile + ": --dataset " + dataset + " was tokenized with the"
                    + " built-in " + manifest.tokenizer() + ", which --text uses; leave --tokenizer out");
        }
        if (manifest.tokenizerSha256().isEmpty()) {
            spec.commandLine().getErr().println("wafer: note: --dataset " + dataset + " records no tokenizer hash"
                    + " (prepared before 2026-12-07): --tokenizer " + tokenizerFile + " is checked by its vocabulary"
                    + " size only");
            spec.commandLine().getErr().flush();
            return;
        }
        String sha = dev.wafer.formats.data.TokenizerFileHash.sha256(tokenizerFile);
        if (!sha.equals(manifest.tokenizerSha256())) {
            throw new UserError("--tokenizer " + tokenizerFile + " (SHA-256 " + sha + ") is not the tokenizer.json"
                    + " --dataset " + dataset + " was prepared with (" + manifest.tokenizer() + ", SHA-256 "
                    + manifest.tokenizerSha256() + "); give that file");
        }
    }

    private List<TokenizedCorpus> readTexts(String tokenizerName, int datasetVocab) throws IOException {
        List<TokenizedCorpus> out = new ArrayList<>();
        if (texts.isEmpty()) {
            return out;
        }
        Tokenizer tokenizer = tokenizerFor(tokenizerName);
        if (tokenizer.vocabSize() != datasetVocab) {
            throw new UserError("--tokenizer " + tokenizerFile + ": " + tokenizer.vocabSize() + " ids but --dataset "
                    + dataset + " was tokenized with " + datasetVocab);
        }
        for (Path text : texts) {
            out.add(TextFileCorpus.read("--text", text, tokenizer));
        }
        return out;
    }

    private Tokenizer tokenizerFor(String name) {
        if (tokenizerFile != null) {
            return tokenizers.create(tokenizerFile.toString());
        }
        if (name.startsWith("gpt2")) {
            return tokenizers.create("gpt2");
        }
        if (name.startsWith("bytes")) {
            return tokenizers.create("bytes");
        }
        throw new UserError("--text: --dataset " + dataset + " was tokenized with " + name
                + "; give that tokenizer with --tokenizer PATH/tokenizer.json");
    }
}
