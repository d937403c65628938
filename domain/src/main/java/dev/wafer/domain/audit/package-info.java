/**
 * Memorization audit: does a trained model reproduce its training data? Extractable memorization as Carlini et al.
 * (2022, "Quantifying Memorization Across Neural Language Models") define it: sample windows of P + S tokens from
 * documents, feed the P-token prefix, decode S tokens greedily with the key/value cache, and count a window as
 * memorized when the S tokens equal the true continuation exactly. Results per source and per document, which a
 * trainer can name because it knows every document it trained on. Documents are read through
 * {@link dev.wafer.ports.data.TokenizedCorpus}; the model is a {@link dev.wafer.domain.generate.BatchNextTokenLogits}.
 */
package dev.wafer.domain.audit;
