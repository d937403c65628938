package dev.wafer.domain.param;

/** How one parameter tensor starts. */
public sealed interface Init {
    /** Truncated normal with mean 0, standard deviation {@code std}, cut at ±2·std (absolute). */
    record TruncatedNormal(double std) implements Init {
    }

    /** Every element equal to {@code value}. */
    record Constant(float value) implements Init {
    }
}
