/**
 * Training data from files: a run's data opened by kind (a prepared dataset, a little-endian uint16 token file, the
 * embedded sample, seeded synthetic tokens) with its fingerprint for checkpoints, and a prepared dataset read for
 * the studies.
 */
package dev.wafer.formats.tokens;
