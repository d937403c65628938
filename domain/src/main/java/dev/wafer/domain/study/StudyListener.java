package dev.wafer.domain.study;

import dev.wafer.ports.metrics.StepMetrics;

/** Progress of a study: which training run is under way and each of its steps. Every method defaults to nothing. */
public interface StudyListener {
    /** Listens to nothing. */
    StudyListener NONE = new StudyListener() {
    };

    /**
     * A training run starts.
     *
     * @param label what is trained, e.g. {@code width 128, lr 3.0e-03}
     * @param index 0-based index of this run
     * @param runs  number of runs in the study (a long: coord-check's widths x seeds passes an int's range)
     * @param steps optimizer steps this run will take
     */
    default void runStarted(String label, long index, long runs, long steps) {
    }

    /** An optimizer step of the current run finished. */
    default void stepDone(StepMetrics metrics) {
    }

    /** The current run finished with {@code loss} (NaN if it diverged). */
    default void runFinished(String label, double loss) {
    }
}
