/** Tests of the assembled GPU-check bundle: its size and its CPU part, run with the bundled runtime only. */
package dev.wafer.gpucheck;
