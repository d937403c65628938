/**
 * Text generation: sampling the next token from logits (temperature, top-k, top-p, seeded) and the generation loop
 * over a KV-cached model step ({@link dev.wafer.domain.generate.NextTokenLogits}), streaming tokens as they come.
 */
package dev.wafer.domain.generate;
