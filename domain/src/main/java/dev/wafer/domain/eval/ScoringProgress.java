package dev.wafer.domain.eval;

/** Told as a task's requests are scored, batch by batch, e.g. to print progress with the time left. */
@FunctionalInterface
public interface ScoringProgress {
    /** Progress that reports nothing. */
    ScoringProgress NONE = (task, requests) -> { };

    /**
     * {@code requests} more requests of {@code task} (duplicates included) have their scores.
     *
     * @param task     the task's name
     * @param requests how many requests the last batch answered
     */
    void advanced(String task, int requests);
}
