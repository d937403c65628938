/**
 * The GPU check: what {@code gpu-check} runs on a lent GPU machine from the bundled runtime. Every phase (device probe,
 * the CUDA tests on both kernel variants, {@code wafer bench}, the PyTorch anchor, training on the device against the
 * CPU) runs in its own child process under one overall deadline, and the JSON report is rewritten after each, so a
 * crash, a hang or a kill from outside loses nothing that ended before it. {@code --rehearse} runs every phase against
 * CPU stand-ins, so CI proves the whole path without a GPU.
 */
package dev.wafer.gpucheck;
