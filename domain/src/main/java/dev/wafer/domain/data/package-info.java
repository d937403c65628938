/**
 * The data pipeline's rules, free of IO: text normalisation, provenance and exclusion rules, work fingerprints,
 * deterministic shuffle and split, packing into fixed-length sequences, the manifest model, the membership
 * audit and the training order over packed sequences.
 */
package dev.wafer.domain.data;
