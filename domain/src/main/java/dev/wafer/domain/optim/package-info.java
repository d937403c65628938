/** Optimisation: AdamW with per-tensor learning rates, gradient clipping, and the paper's Adam-epsilon check. */
package dev.wafer.domain.optim;
