/**
 * Checkpoint storage port: saves and loads a training state (header sections plus named float32 tensors).
 *
 * <p>The domain hands tensors over as {@link dev.wafer.ports.checkpoint.TensorSource}s so that an adapter can
 * stream them to disk without first copying a whole model into one array; it reads them back through a
 * {@link dev.wafer.ports.checkpoint.CheckpointReader} that has already verified the file.
 */
package dev.wafer.ports.checkpoint;
