package dev.wafer.app.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.domain.param.MupParameterisation;
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

    @Override
    public void run() {
        CheckpointedModel model = CheckpointedModel.read(store, "--checkpoint", checkpoint);
        if (model.mup() != null && model.mup().embeddingMultiplier() != MupParameterisation.EMBEDDING_MULTIPLIER) {
            throw new UserError("--checkpoint " + checkpoint + ": its muP embedding multiplier is "
                    + model.mup().embeddingMultiplier() + " (--mup-emb-mult); export-hf folds only the paper's "
                    + MupParameterisation.EMBEDDING_MULTIPLIER);
        }
        try {
            Gpt2Checkpoint hf = Gpt2Conversion.toHf(new Gpt2Conversion.WaferModel(model.shape(), model.kind(),
                    model.params()));
            Gpt2HfDirectory.write(out, hf);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("exported %s (%s%s) to %s%n", model.file(), model.kind().id(),
                    hf.config().tieWordEmbeddings() ? "" : ", muP folded into plain GPT-2 with an untied lm_head", out);
            w.flush();
        } catch (HfFormatException e) {
            throw new UserError(e.getMessage());
        }
    }
}
