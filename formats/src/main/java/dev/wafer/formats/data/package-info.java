/**
 * Data adapters: corpus readers (Pile JSONL, plain or zstd; text files), tokenizers (jtokkit GPT-2, Hugging Face
 * tokenizer.json), and the file formats of a prepared dataset (token shards, manifests, audit index, shuffle
 * buckets, fingerprints), which implement the preparation ports. {@link dev.wafer.formats.data.DatasetPreparer} wires
 * them to the domain's preparation use case.
 */
package dev.wafer.formats.data;
