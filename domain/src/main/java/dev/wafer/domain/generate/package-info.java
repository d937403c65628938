/**
 * Text generation: sampling the next token from logits (temperature, top-k, top-p, seeded) and the generation loop
 * over a KV-cached model step ({@link dev.wafer.domain.generate.NextTokenLogits}), streaming tokens as they come;
 * and greedy decoding of many prompts in lockstep ({@link dev.wafer.domain.generate.BatchNextTokenLogits}).
 */
package dev.wafer.domain.generate;
