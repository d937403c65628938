/**
 * Embedding Wafer without its app: {@link dev.wafer.examples.embedded.EmbeddedTraining} wires the CPU backend, the
 * domain's {@link dev.wafer.domain.session.TrainingSession} and a small {@link dev.wafer.ports.checkpoint.CheckpointStore}
 * of its own ({@link dev.wafer.examples.embedded.SimpleCheckpointStore}) by hand, trains a tiny model on inline
 * text, checkpoints, resumes and prints the losses.
 */
package dev.wafer.examples.embedded;
