/**
 * The CPU backend: float32 tensors in Java arrays, kernels multithreaded over a fixed fork-join pool, and a
 * blocked, packed SGEMM on the Vector API with a scalar fallback that is always available.
 */
package dev.wafer.adapters.cpu;
