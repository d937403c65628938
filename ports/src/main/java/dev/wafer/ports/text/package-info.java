/**
 * Text ports: turning text into token ids and back. Implemented in the application (GPT-2 BPE, bytes, Hugging
 * Face {@code tokenizer.json}); the domain's evaluation builds its requests through
 * {@link dev.wafer.ports.text.Tokenizer}, and the data pipeline tokenises documents with it.
 */
package dev.wafer.ports.text;
