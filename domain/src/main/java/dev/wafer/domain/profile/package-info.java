/**
 * Where a training step's time goes, kernel by kernel: {@link dev.wafer.domain.profile.ProfilingBackend} wraps any
 * compute backend and charges the wall time of every kernel call (waiting for the device before and after, so an
 * asynchronous backend is timed too) and the FLOPs of its matrix products to a
 * {@link dev.wafer.domain.profile.KernelProfile}. {@code wafer bench --profile} prints it per step.
 */
package dev.wafer.domain.profile;
