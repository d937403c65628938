package dev.wafer.domain.eval;

/** How a task's documents are scored; each matches one lm-evaluation-harness v0.3.0 task family. */
public enum TaskType {
    /** Pick the choice with the highest log-likelihood (acc) and per-character log-likelihood (acc_norm). */
    MULTIPLE_CHOICE("multiple_choice"),
    /** WinoGrande partial scoring: the same continuation after each option. */
    WINOGRANDE("winogrande"),
    /** LAMBADA: greedy last-word accuracy and perplexity. */
    LAMBADA("lambada"),
    /** CrowS-Pairs: both sentences scored after end-of-text; likelihood difference and share preferring the stereotype. */
    CROWS_PAIRS("crows_pairs");

    private final String id;

    TaskType(String id) {
        this.id = id;
    }

    /** The name used in task files, e.g. {@code multiple_choice}. */
    public String id() {
        return id;
    }

    /** The type for a task-file name, or null. */
    public static TaskType fromId(String id) {
        for (TaskType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
