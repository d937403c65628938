package dev.wafer.app.cli;

import java.util.Locale;
import java.util.Map;

import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.MemoryEstimate;

/**
 * The memory check {@code train} makes ({@link MemoryEstimate} against the {@link MemoryBudget}), made for every run
 * of a study before the first one trains: a width too large for the heap was an internal error ("cannot allocate ...
 * values in one tensor") after the smaller runs had trained.
 */
final class StudyMemory {
    private StudyMemory() {
    }

    /**
     * Refuses the first run that does not fit.
     *
     * @param runs  each run's shape, keyed by the flag and value that asked for it (e.g. {@code --widths 65536})
     * @param batch sequences per step (studies train one micro-batch per step)
     * @param seq   tokens per sequence
     */
    static void check(MemoryBudget memory, Map<String, ModelShape> runs, int batch, int seq) {
        runs.forEach((what, shape) -> {
            MemoryEstimate m;
            try {
                m = MemoryEstimate.of(shape, batch, seq);
            } catch (ArithmeticException e) { // more bytes than a long counts: fits no memory
                throw new UserError(what + ": the run does not fit in memory: its size passes 2^63 bytes; use a"
                        + " smaller model");
            }
            // Activations larger than the model's state: the batch shape is the cause, so --seq and --batch lead
            // (coord-check --seq 100000 blamed "--widths 32").
            String cause = m.activationBytes() > m.stateBytes()
                    ? "--seq " + seq + " and --batch " + batch + " (" + what + ")" : what;
            if (m.totalBytes() > memory.bytes()) {
                throw new UserError(String.format(Locale.ROOT, "%s: the run does not fit in memory: parameters,"
                        + " gradients and AdamW moments need %s and a batch of %d sequences of %d tokens needs %s of"
                        + " activations, %s in all, but the %s is %s; %s", cause, Format.bytes(m.stateBytes()),
                        batch, seq, Format.bytes(m.activationBytes()), Format.bytes(m.totalBytes()), memory.where(),
                        Format.bytes(memory.bytes()), remedy(memory)));
            }
            if (m.largestTensorFloats() > MemoryEstimate.MAX_TENSOR_FLOATS) {
                throw new UserError(String.format(Locale.ROOT, "%s: the run does not fit: its largest tensor has %,d"
                        + " floats, more than one host tensor can hold (%,d); use a smaller model, --batch or --seq",
                        cause, m.largestTensorFloats(), MemoryEstimate.MAX_TENSOR_FLOATS));
            }
        });
    }

    private static String remedy(MemoryBudget memory) {
        return memory.device() ? "use a smaller model, --batch or --seq, or free device memory (nvidia-smi shows its"
                + " users)" : "use a smaller model, --batch or --seq, or a larger heap (WAFER_JAVA_OPTS=-Xmx...)";
    }
}
