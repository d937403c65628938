/**
 * Text ports: turning text into token ids and back. Implemented by adapters (GPT-2 BPE, Hugging Face
 * {@code tokenizer.json}); the domain only sees these interfaces.
 */
package dev.wafer.ports.text;
