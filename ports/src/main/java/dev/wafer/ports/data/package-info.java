/**
 * Data ports: where training documents come from (corpus readers), where packed token sequences are read from
 * (token shards), and training data as the trainer sees it (batches of token ids with next-token targets), and
 * tokenized documents and packed rows read in pieces for a memorization audit.
 * Where a dataset being prepared goes is in {@code dev.wafer.ports.data.prepare}.
 * JDK only.
 */
package dev.wafer.ports.data;
