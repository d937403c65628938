/**
 * Memorization audit: does a trained model reproduce its training data? Extractable memorization as Carlini et al.
 * (2022, "Quantifying Memorization Across Neural Language Models") define it: sample windows of P + S tokens (training
 * sequences as the trainer read them, {@link dev.wafer.domain.audit.RowSampler}, or a user's text at every offset,
 * {@link dev.wafer.domain.audit.WindowSampler}), feed the P-token prefix, decode S tokens greedily with the key/value
 * cache, and count a window as memorized when the S tokens equal the true continuation exactly
 * ({@link dev.wafer.domain.audit.ContinuationMatch}). Results per source and per document, which a trainer can name
 * because it knows every document it trained on; per number of copies of the continuation in the train split
 * ({@link dev.wafer.domain.audit.SplitOccurrences}, {@link dev.wafer.domain.audit.DuplicationBucket}); and, for the
 * rows a checkpoint was trained on ({@link dev.wafer.domain.audit.TrainedRows}, the trainer's seeded order replayed to
 * the checkpoint's data position), per number of times the row was seen. Data is read through
 * {@link dev.wafer.ports.data.PackedCorpus} and {@link dev.wafer.ports.data.TokenizedCorpus}; the model is a
 * {@link dev.wafer.domain.generate.BatchNextTokenLogits}.
 */
package dev.wafer.domain.audit;
