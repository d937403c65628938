/**
 * Embedding Wafer without its app: {@link dev.wafer.examples.embedded.EmbeddedTraining} wires the CPU backend, the
 * domain's {@link dev.wafer.domain.session.TrainingSession} and Wafer's checkpoint format
 * ({@link dev.wafer.formats.checkpoint.FileCheckpointStore}, from the {@code formats} module) by hand, trains a tiny
 * model on inline text, checkpoints, resumes and prints the losses.
 */
package dev.wafer.examples.embedded;
