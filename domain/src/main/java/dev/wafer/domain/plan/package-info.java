/**
 * Compute-optimal planning: for a FLOP budget, the model to train, on how many tokens, with which schedule and
 * what loss to expect; and, given expected inference tokens, the model with the lowest predicted loss for the
 * total training-plus-inference budget (the paper's section 4, equation 2).
 */
package dev.wafer.domain.plan;
