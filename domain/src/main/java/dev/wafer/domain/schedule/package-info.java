/**
 * Learning-rate and batch-size schedules with the Cerebras Modelzoo semantics: linear warm-up from zero, then
 * linear or cosine decay to 10% of the peak, the decay's own position counted from the end of warm-up; a schedule
 * may be defined in steps or in tokens, and the 13B run's batch-size change keeps the learning rate continuous in
 * tokens.
 */
package dev.wafer.domain.schedule;
