/**
 * Data adapters and the preparation use case: corpus readers (Pile JSONL, plain or zstd; text files),
 * tokenizers (jtokkit GPT-2, Hugging Face tokenizer.json), token shards, manifests, audit index and fingerprint
 * files, and the {@link dev.wafer.app.data.DatasetPreparer} that ties them to the domain rules.
 */
package dev.wafer.app.data;
