package dev.wafer.domain.train;

/** The base learning rate of each optimizer step (per-tensor multipliers are applied on top by the optimizer). */
@FunctionalInterface
public interface LearningRateSchedule {
    /** Learning rate of 0-based optimizer step {@code step}. */
    double lrAt(long step);

    /** A constant rate. */
    static LearningRateSchedule constant(double lr) {
        return step -> lr;
    }
}
