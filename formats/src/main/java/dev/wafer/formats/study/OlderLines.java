package dev.wafer.formats.study;

import dev.wafer.formats.input.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The rules by which builds before 2026-12-07 trained and scored the samples of {@link MupSearchLog} lines that do not
 * record how: such a line is kept only where its sample would train and score as one does now.
 */
final class OlderLines {
    private OlderLines() {
    }

    /**
     * Refuses a line written before 2026-12-07 whose loss was scored on another count than {@code scored}, the
     * count this search scores: then the count was rounded down to whole micro-batches (none at all under one batch:
     * the training loss). A line that records its --eval-sequences (the same, compared before) matches only a
     * multiple of its batch; one written before the count was recorded scored some multiple of the batch, so it
     * matches only when this search scores a multiple.
     */
    static void requireWholeBatches(JsonNode n, long scored, String where) {
        long batch = n.path("batch_sequences").asLong(1);
        if (batch < 1 || scored % batch == 0) {
            return;
        }
        if (n.has("eval_sequences")) {
            throw new InvalidInputException(where + ": this search was scored before 2026-12-07 on "
                    + scored / batch * batch + " held-out sequences (eval_sequences " + scored + " rounded down to"
                    + " whole batches of " + batch + "), not " + scored + "; give another --out to search again");
        }
        throw new InvalidInputException(where + ": this sample was scored before 2026-12-07 on a whole number of"
                + " batches of " + batch + " held-out sequences (the line records no eval_sequences), not on "
                + scored + "; give another --out to search again");
    }

    /**
     * Refuses a line written before 2026-12-07 (no {@code warmup_steps}, no {@code eval_scoring}) whose sample
     * trained with another warm-up than a sample trains now: runs of 2-4 steps then had none, now one.
     */
    static void requireSameWarmup(long steps, long now, double warmupFraction, String where) {
        long then = Math.round(steps * warmupFraction); // the studies' rule until 2026-12-07
        if (then != now) {
            throw new InvalidInputException(where + ": this sample trained its " + steps + " steps with " + then
                    + " warm-up steps (the rule before 2026-12-07), where a sample now warms up over " + now
                    + "; its loss is not comparable: give another --out to search again");
        }
    }
}
