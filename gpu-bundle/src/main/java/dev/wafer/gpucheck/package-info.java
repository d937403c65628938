/**
 * The GPU check: what {@code gpu-check} runs on a lent GPU machine from the bundled runtime. It runs the CUDA test
 * classes through the JUnit Platform launcher, times {@code wafer bench} (and PyTorch eager beside it) and writes one
 * JSON report plus a summary line.
 */
package dev.wafer.gpucheck;
