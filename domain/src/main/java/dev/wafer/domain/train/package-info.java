/**
 * The training use case: optimizer steps with gradient accumulation up to a batch size in tokens, the learning
 * rate schedule applied per step, and per-step metrics to a metrics port.
 */
package dev.wafer.domain.train;
