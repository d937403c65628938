/**
 * The Cerebras-GPT paper's arithmetic: parameter counts (Appendix E), FLOPs (Appendix F), the Pile scaling law
 * (equation 1), the tokens-per-parameter penalty (equation 4), training plus inference compute (equation 2), a
 * compute-optimal planner and a least-squares fit of {@code L(f) = a f^b + c}.
 */
package dev.wafer.domain.scaling;
