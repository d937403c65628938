/**
 * The CPU backend: pure-Java kernels that run wherever the JVM runs. It is always available and is
 * the default, so every other backend can be compared against it.
 */
package dev.wafer.adapters.cpu;
