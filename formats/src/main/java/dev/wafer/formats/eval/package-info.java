/**
 * Files of the downstream evaluation: every loglikelihood request as scored, one JSON line each
 * ({@link dev.wafer.formats.eval.RequestsFile}), to diff against lm-evaluation-harness's own.
 */
package dev.wafer.formats.eval;
