package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.input.FileChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.formats.hf.Gpt2Checkpoint;
import dev.wafer.formats.hf.Gpt2Conversion;
import dev.wafer.formats.hf.Gpt2HfDirectory;
import dev.wafer.formats.hf.HfFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code wafer export-hf}: a Wafer checkpoint to a GPT2LMHeadModel directory; muP models are folded into plain GPT-2. */
@Command(name = "export-hf", mixinStandardHelpOptions = true,
        description = "Write a checkpoint as a Hugging Face GPT-2 directory (config.json + model.safetensors)."
                + " muP models are folded into plain GPT-2 (untied head) with identical logits.")
public final class ExportHfCommand implements Runnable, BackendAgnostic {
    @Spec
    CommandSpec spec;

    @Inject
    CheckpointStore store;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint file or a train --out directory.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Let --out replace the config.json and model.safetensors it holds.")
    boolean overwrite;

    /** The lock file inside --out that a running export holds (see {@link OutputLock}). */
    static final String LOCK_FILE = ".wafer-export-hf.lock";

    @Override
    public void run() {
        checkOut();
        boolean created = !Files.isDirectory(out);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw WriteFailure.of("--out " + out, e);
        }
        boolean done = false;
        // Held from the check to the write: a second export into --out meanwhile is refused, not silently replaced.
        try (var lock = OutputLock.inside("--out", out, LOCK_FILE)) {
            checkOut();
            export();
            done = true;
            // What killed exports left.
            StaleTemps.remove(out.resolve(Gpt2HfDirectory.WEIGHTS), StaleTemps.ATOMIC);
            StaleTemps.remove(out.resolve(Gpt2HfDirectory.CONFIG), StaleTemps.ATOMIC);
        } finally {
            if (created && !done) {
                removeIfEmpty();
            }
        }
    }

    /** Removes the --out directory this run created when a failure left it empty. */
    private void removeIfEmpty() {
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            // Not empty (another process's files) or not removable: leaving an empty folder loses nothing.
        }
    }

    private void export() {
        CheckpointedModel model = CheckpointedModel.read(store, "--checkpoint", checkpoint);
        // Exporting what train --resume refuses (data kind 'weird', precision 'fp64') would spread a damaged record.
        CheckpointedModel.requireValidRunState(store, model.file());
        // A muP model's m_emb (--mup-emb-mult, any the search draws) is folded into the embeddings.
        double embeddingMultiplier = model.mup() == null ? 1 : model.mup().embeddingMultiplier();
        try {
            Gpt2Checkpoint hf = Gpt2Conversion.toHf(new Gpt2Conversion.WaferModel(model.shape(), model.kind(),
                    embeddingMultiplier, model.params()));
            java.util.Map<String, String> provenance = ModelProvenance.of(model);
            Gpt2HfDirectory.write(out, hf, provenance);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("exported %s (%s%s) to %s%n", model.file(), model.kind().id(),
                    hf.config().tieWordEmbeddings() ? "" : ", muP folded into plain GPT-2 with an untied lm_head", out);
            w.printf("provenance (config.json %s): %s%n", dev.wafer.formats.hf.WaferProvenance.CONFIG_KEY,
                    provenance.isEmpty() ? "none recorded (a model imported without it)"
                            : ModelProvenance.summary(provenance));
            w.flush();
        } catch (HfFormatException e) {
            if (e.getCause() instanceof IOException io) {
                // The model was right; the disk was full or the folder not writable: 74, naming --out.
                throw WriteFailure.of("--out " + out, io);
            }
            throw new UserError(e.getMessage());
        }
    }

    /**
     * Refuses an --out that already holds a model: its config.json and model.safetensors are replaced only with
     * --overwrite, and weights this command would not replace (shards and their index, a pickle) never, since a
     * loader could read those instead of the exported ones.
     */
    private void checkOut() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError("--out " + out + " is a file; expected a directory for config.json and"
                    + " model.safetensors");
        }
        if (!Files.isDirectory(out)) {
            return;
        }
        List<String> replaced = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("config.json") || name.equals("model.safetensors")) {
                    FileChecks.checkReplaceable("--out", f);
                    replaced.add(name);
                } else if (name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json")
                        || name.equals("pytorch_model.bin") || name.endsWith(".bin.index.json")) {
                    stale.add(name);
                }
            }
        } catch (IOException e) {
            throw new UserError("--out " + out + ": cannot list the directory: " + e.getMessage());
        }
        if (!stale.isEmpty()) {
            throw new UserError("--out " + out + " holds other weights (" + String.join(", ", stale) + ") that"
                    + " export-hf would not replace, and a loader could read them instead; choose an empty directory");
        }
        if (!replaced.isEmpty() && !overwrite) {
            throw new UserError("--out " + out + " already holds a model (" + String.join(", ", replaced)
                    + "); choose another directory, or pass --overwrite to replace it");
        }
    }
}
