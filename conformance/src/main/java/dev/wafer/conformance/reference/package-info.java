/**
 * Scalar reference kernels in double precision, written for clarity, and a slow {@code ComputeBackend} built on
 * them. Every backend is compared with these; they in turn are checked by finite differences.
 */
package dev.wafer.conformance.reference;
