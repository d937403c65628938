/** Wiring for training runs: token sources over files or synthetic data, backends by name, FLOP estimates. */
package dev.wafer.formats.tokens;
