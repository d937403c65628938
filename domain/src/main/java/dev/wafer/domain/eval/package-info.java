/**
 * Evaluation as the Cerebras-GPT paper measured it: test-set cross-entropy over packed sequences (with the
 * vocabulary correction between tokenizers) and downstream tasks under EleutherAI lm-evaluation-harness v0.3.0
 * scoring rules (reference-facts 4): multiple choice acc and acc_norm, WinoGrande partial scoring, LAMBADA greedy
 * accuracy and perplexity, zero- and k-shot contexts with the examples the harness picks (drawn with
 * {@link dev.wafer.domain.eval.PythonRandom}, CPython's Mersenne Twister).
 *
 * <p>The model plugs in through two small interfaces: {@link dev.wafer.domain.eval.LogLikelihoodScorer} for tasks
 * and {@link dev.wafer.domain.eval.WindowLossScorer} for test-set loss; text enters through the
 * tokenizer port, {@link dev.wafer.ports.text.Tokenizer}.
 */
package dev.wafer.domain.eval;
