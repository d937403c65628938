/**
 * The GPT-3-style decoder of Cerebras-GPT: learned position embeddings, pre-LayerNorm blocks with a final
 * LayerNorm, dense causal attention, biases on every projection, tied input/output embeddings, no dropout.
 * Parameters are named tensors in one flat allocation; forward and backward are composed from the kernel ports.
 */
package dev.wafer.domain.model;
