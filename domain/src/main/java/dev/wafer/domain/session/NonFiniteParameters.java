package dev.wafer.domain.session;

import java.util.Optional;

import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;

/**
 * Finds a NaN or infinite parameter and names its tensor as checkpoints name it ({@code params/wte}), so that a
 * broken model (trained with a learning rate that overflowed, or imported with a NaN) is refused in one line by every
 * command that loads it, and training that produced one stops instead of saving it.
 */
public final class NonFiniteParameters {
    private static final int CHUNK = 1 << 20;

    private NonFiniteParameters() {
    }

    /** The index of the first value of {@code values} that is not finite, or -1. */
    public static int firstIndex(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong with {@code values}, the tensor {@code name}: its first non-finite value, or empty. */
    public static Optional<String> describe(ParameterName name, float[] values) {
        int i = firstIndex(values);
        return i < 0 ? Optional.empty() : Optional.of(message(name, i, values[i]));
    }

    /** The first non-finite parameter of {@code set}, described, or empty; read in chunks (device tensors too). */
    public static Optional<String> describe(ParameterSet set) {
        for (ParameterSpec p : set.layout().specs()) {
            float[] chunk = new float[(int) Math.min(CHUNK, p.count())];
            for (long at = 0; at < p.count(); at += chunk.length) {
                int n = (int) Math.min(chunk.length, p.count() - at);
                set.get(p.name()).copyToHost(at, chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(chunk[i])) {
                        return Optional.of(message(p.name(), at + i, chunk[i]));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String message(ParameterName name, long index, float value) {
        return "tensor " + CheckpointTensors.tensorName(CheckpointTensors.PARAMS, name) + " holds " + value
                + " at element " + index + " (parameters must be finite)";
    }
}
