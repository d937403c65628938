/**
 * The data pipeline's rules, free of IO: text normalisation, provenance and exclusion rules, work fingerprints,
 * deterministic shuffle and split, packing into fixed-length sequences, the manifest model, the membership
 * audit and the training order over packed sequences. The preparation use case that applies them is in
 * {@code dev.wafer.domain.data.prepare}.
 */
package dev.wafer.domain.data;
