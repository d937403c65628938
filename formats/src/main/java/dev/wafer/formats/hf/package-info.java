/**
 * Hugging Face interoperability: safetensors files, GPT-2 {@code config.json}, the GPT2LMHeadModel tensor layout
 * and the muP fold that turns a muP model into a plain GPT-2 any loader reproduces.
 *
 * <p>The neutral representation is {@link dev.wafer.formats.hf.Gpt2Checkpoint}: a validated config plus tensors under
 * their Hugging Face names and shapes (Conv1D weights stored [in, out]). Mapping those to Wafer's own parameter
 * names happens where the model lives, so this package knows nothing about Wafer's model.
 */
package dev.wafer.formats.hf;
