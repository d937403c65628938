/**
 * Mixed precision beyond the kernels: dynamic loss scaling for fp16 ({@link dev.wafer.domain.precision.GradientScaler})
 * and the paper's underflow diagnostic ({@link dev.wafer.domain.precision.UnderflowMonitor}), which counts the
 * non-zero values of each tensor cast to 16 bits that a cast to fp16 flushes to zero.
 */
package dev.wafer.domain.precision;
