package dev.wafer.app.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.input.FileChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.formats.hf.Gpt2Conversion;
import dev.wafer.formats.hf.Gpt2HfDirectory;
import dev.wafer.formats.hf.HfFormatException;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.domain.session.CheckpointTensors;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer import-hf}: a Hugging Face GPT-2 directory (config.json + model.safetensors, or the pytorch_model.bin
 * the Cerebras-GPT release ships) to a Wafer checkpoint.
 */
@Command(name = "import-hf", mixinStandardHelpOptions = true,
        description = "Convert a Hugging Face GPT-2 model directory (safetensors or pytorch_model.bin; SP or btlm-style muP) to a"
                + " Wafer checkpoint.")
public final class ImportHfCommand implements Runnable, BackendAgnostic {
    @Spec
    CommandSpec spec;

    @Inject
    CheckpointStore store;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "config.json + model.safetensors or pytorch_model.bin (or shards of either).")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "CKPT",
            description = "The checkpoint file to write (an existing directory gets " + ModelCheckpoints.FILE_NAME + ").")
    Path out;

    @Option(names = "--overwrite", description = "Let --out replace an existing checkpoint (a training run's included).")
    boolean overwrite;

    @Override
    public void run() {
        Path file = folderMeant() ? out.resolve(ModelCheckpoints.FILE_NAME) : ModelCheckpoints.resolve(out);
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw WriteFailure.of("--out " + file, e);
        }
        // Held from the check to the write: a second writer of the file meanwhile is refused, not silently replaced.
        try (var lock = OutputLock.beside("--out", file)) {
            convert(file);
        }
    }

    private void convert(Path file) {
        // A training run's checkpoint holds its optimizer state and position; replacing it silently would lose them
        // (--resume then fails), so an existing checkpoint needs --overwrite, as with train, and never while a
        // 'wafer train' holds the directory.
        FileChecks.checkReplaceable("--out", file);
        if (Files.exists(file) && !overwrite) {
            throw new UserError("--out " + file + " already exists" + (Files.isDirectory(out) && Files.exists(
                    out.resolve(TrainOutput.LOCK_FILE)) ? " (a training run's checkpoint)" : "")
                    + "; choose another path, or pass --overwrite to replace it");
        }
        Gpt2Conversion.WaferModel model;
        Map<String, String> provenance;
        try {
            model = Gpt2Conversion.toWafer(from.toString(), Gpt2HfDirectory.read(from));
            // What export-hf recorded of the training run (data, tokenizer, tokens...) travels into the checkpoint.
            provenance = dev.wafer.formats.hf.WaferProvenance.read(from);
        } catch (HfFormatException e) {
            throw new UserError(e.getMessage());
        }
        for (var p : model.params().entrySet()) {
            dev.wafer.domain.session.NonFiniteParameters.describe(p.getKey(), p.getValue()).ifPresent(what -> {
                throw new UserError("--from " + from + ": the model's " + what + "; nothing was written");
            });
        }
        Path dir = file.toAbsolutePath().getParent();
        try (TrainOutput claimed = dir != null && Files.exists(dir.resolve(TrainOutput.LOCK_FILE))
                ? TrainOutput.claim(dir, true, true) : null) {
            write(file, model, from.toAbsolutePath().normalize().toString(), provenance);
            StaleTemps.remove(file, StaleTemps.ATOMIC); // what killed imports left
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("imported %s (%s, d_model %d, %d layers, %d heads, vocab %d, %d positions) to %s%n", from,
                model.kind().id(), model.shape().dModel(), model.shape().nLayers(), model.shape().nHeads(),
                model.shape().vocabSize(), model.shape().seqLength(), file);
        if (!provenance.isEmpty()) {
            w.printf("provenance recorded: %s%n", ModelProvenance.summary(provenance));
        }
        w.flush();
    }

    /**
     * Whether {@code --out} was written with a trailing slash: a folder, created if missing, holding the checkpoint
     * (the path as parsed has lost the slash, and a missing DIR/ became a file named DIR).
     */
    private boolean folderMeant() {
        List<String> given = spec.findOption("--out").originalStringValues();
        String raw = given.isEmpty() ? "" : given.get(given.size() - 1);
        return raw.endsWith("/") || raw.endsWith(java.io.File.separator);
    }

    /** Writes a parameters-only Wafer checkpoint (no optimizer state: it can be evaluated, sampled or exported). */
    private void write(Path file, Gpt2Conversion.WaferModel model, String importedFrom,
                       Map<String, String> provenance) {
        List<TensorSource> tensors = new ArrayList<>();
        for (ParameterSpec p : new ParameterLayout(model.shape()).specs()) {
            String name = CheckpointTensors.tensorName(CheckpointTensors.PARAMS, p.name());
            tensors.add(TensorSource.of(new TensorSpec(name, p.shape()), model.params().get(p.name())));
        }
        // The config's mup_embeddings_scale is the model's m_emb; eta_base and sigma_base matter only for training
        // and a config does not hold them, so they stay the paper's (what a checkpoint without the triple reads as).
        MupHyperparameters mup = model.kind() == ParameterisationKind.MUP ? new MupHyperparameters(
                MupHyperparameters.PAPER.baseLearningRate(), MupHyperparameters.PAPER.initStd(),
                model.embeddingMultiplier()) : null;
        CheckpointHeader header = CheckpointHeader.modelOnly(RunStateHeaders.model(model.shape(), model.kind(),
                java.util.Optional.of(importedFrom), mup).withProvenance(provenance));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            store.save(file, header, tensors);
        } catch (IOException e) {
            throw WriteFailure.of("--out " + file, e);
        } catch (CheckpointException e) {
            if (e.problem() == CheckpointException.Problem.IO) {
                throw WriteFailure.of("--out " + file, e.getCause() != null ? e.getCause() : e);
            }
            throw new UserError("--out " + file + ": " + e.getMessage());
        }
    }
}
