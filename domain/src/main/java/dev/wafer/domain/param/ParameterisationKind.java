package dev.wafer.domain.param;

/** Which parameterisation a run uses: standard (SP) or Cerebras maximal-update (muP). */
public enum ParameterisationKind {
    /** Standard parameterisation of GPT-2/3 (reference-facts 1.3). */
    SP,
    /** Cerebras muP (reference-facts 1.4). */
    MUP
}
