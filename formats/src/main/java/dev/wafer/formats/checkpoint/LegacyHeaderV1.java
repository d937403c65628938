package dev.wafer.formats.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * Reads a version-1 header (sections {@code model}, {@code parameterisation}, {@code schedule}, {@code data},
 * {@code random} as string-keyed maps) into the typed header, so checkpoints of earlier releases still load and
 * resume. Version 1 kept the schedule in optimizer steps of one constant batch; here it becomes the same curve in
 * tokens (every length times the batch's tokens, which is exact for whole step counts below 2^53 tokens, so the
 * learning rate of every step is unchanged bit for bit).
 */
final class LegacyHeaderV1 {
    /** Every version-1 run decayed to 10% of its peak. */
    private static final double END_FRACTION = 0.1;

    private LegacyHeaderV1() {
    }

    static CheckpointHeader decode(Path file, Map<?, ?> root) {
        HeaderNode m = HeaderNode.root(file, root, "model");
        HeaderNode param = HeaderNode.root(file, root, "parameterisation");
        HeaderNode schedule = HeaderNode.root(file, root, "schedule");
        HeaderNode data = HeaderNode.root(file, root, "data");
        HeaderNode random = HeaderNode.root(file, root, "random");
        Optional<String> importedFrom = data.has("imported_from") ? Optional.of(data.pathText("imported_from"))
                : Optional.empty();
        ModelHeader model = new ModelHeader(m.intValue("vocab"), m.intValue("positions"), m.intValue("layers"),
                m.intValue("heads"), m.intValue("d_model"), m.intValue("d_ffn"), param.text("kind"), importedFrom);
        if (schedule.isEmpty()) {
            return CheckpointHeader.modelOnly(model); // imported models had an empty schedule
        }
        long batchTokens = schedule.longValue("batch_tokens");
        int seq = schedule.intValue("seq");
        if (seq <= 0) {
            throw HeaderNode.malformed(file, "schedule.seq must be positive, found " + seq);
        }
        if (batchTokens < seq || batchTokens % seq != 0 || batchTokens / seq > Integer.MAX_VALUE) {
            throw HeaderNode.malformed(file, "schedule.batch_tokens " + batchTokens
                    + " is not a whole number of sequences of " + seq + " (at most " + Integer.MAX_VALUE + ")");
        }
        double peak = schedule.doubleValue("peak_lr");
        double perStep = batchTokens;
        TrainingHeader.Schedule typed = new TrainingHeader.Schedule(peak, peak * END_FRACTION,
                schedule.doubleValue("warmup") * perStep, schedule.doubleValue("decay") * perStep,
                schedule.text("decay_type"), schedule.longValue("total_steps") * perStep,
                List.of(new TrainingHeader.BatchPhase(0, (int) (batchTokens / seq))));
        // Version 1 always trained with Cerebras-GPT's AdamW (betas 0.9/0.95, decay 0.1, clipping 1.0).
        TrainingHeader.Optimizer adam = new TrainingHeader.Optimizer(0.9, 0.95, schedule.doubleValue("adam_eps"),
                0.1, 1.0);
        TrainingHeader.Position position = new TrainingHeader.Position(schedule.longValue("step"),
                schedule.longValue("tokens"), schedule.longValue("adam_steps"), data.longValue("position"));
        TrainingHeader.Data source = new TrainingHeader.Data(data.text("kind"),
                data.has("path") ? data.pathText("path") : "", ""); // version 1 kept no fingerprint
        boolean skip = schedule.has("skip_nonfinite") && schedule.bool("skip_nonfinite");
        return new CheckpointHeader(model, Optional.of(new TrainingHeader(typed, seq, schedule.intValue("micro_batch"),
                adam, position, source, random.longValue("seed"), "fp32", skip)));
    }
}
