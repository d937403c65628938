/**
 * The optimizer: global-norm gradient clipping and the Modelzoo/HF AdamW variant (reference-facts 1.6) with
 * per-tensor learning rates from the parameterisation and weight decay by parameter role.
 */
package dev.wafer.domain.optim;
