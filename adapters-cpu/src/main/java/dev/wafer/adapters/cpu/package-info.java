/**
 * The CPU backend: float32 tensors in Java arrays, kernels multithreaded over a fixed fork-join pool, and a
 * blocked, packed SGEMM on the Vector API with a scalar fallback that is always available. It is always
 * available and is the default, so every other backend can be compared against it.
 */
package dev.wafer.adapters.cpu;
