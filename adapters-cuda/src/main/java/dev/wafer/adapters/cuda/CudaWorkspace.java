package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.StepShape;

/**
 * The device memory the CUDA backend keeps for itself in a training step, beside the model's tensors: its scratch
 * slots ({@link Gpu#scratch}), each grown to its largest request and kept, and the token-id buffer. Each term below
 * is the largest request of one slot over the step's kernel calls; {@code ScratchFootprintTest} compares the sum with
 * what the backend allocates (on a recording device) in every kernel and precision mode. The token ids are bounded
 * over all data (the encoder's token buckets hold {@code 2·unique + 1 + N} ids).
 */
final class CudaWorkspace {
    private CudaWorkspace() {
    }

    /** The bytes for a step of {@code s} on the fast ({@code baselineKernels} false) or baseline kernels. */
    static long bytes(boolean baselineKernels, StepShape s) {
        long n = s.rows();
        long c = s.channels();
        long h = s.hidden();
        long v = s.vocab();
        long nh = s.heads();
        long t = s.seq();
        long b = s.microBatch();
        long chunks = ColumnSums.chunks((int) Math.min(Integer.MAX_VALUE, n));
        long total = 8L * CudaReductions.PARTIALS + 8L * s.parameterTensors()      // the gradient norm
                + Math.max(4 * chunks * Math.max(3 * c, h), 8 * chunks * c);      // bias and LayerNorm gradients
        long widestWeight = Math.max(v, Math.max(h, 3 * c)) * c;
        if (baselineKernels) {
            total += 4 * n;                                                        // token ids
            total += 4 * b * nh * t * t;                                           // score gradient, whole batch
            if (s.operands() != OperandFormat.FP32) {                              // float32 copies, rounded
                total += 4 * n * Math.max(c, h) + 4 * widestWeight + 4 * n * Math.max(v, Math.max(h, 3 * c))
                        + 4 * 3 * n * c + 4 * n * c;
            }
            return total;
        }
        total += 4 * (n + 1 + 2 * Math.min(n, v));                                // token ids and buckets
        if (s.operands() == OperandFormat.FP32) {
            return total + (s.fusedAttention() ? 4 * b * nh * t                   // row terms of the fused attention
                    : 4 * nh * t * t);                                             // or dP of one sequence
        }
        boolean stored = s.activations() == OperandFormat.BF16;
        total += s.fusedAttention() ? 4 * b * nh * t : 4 * nh * t * t;             // row terms, or dP of a sequence
        // Matmul inputs kept float32 are packed per call: with bf16 storage the LM head's (and ln1 in fp32-gradient
        // runs), both N x C; without, every input, the widest N x H.
        total += 2 * n * (stored ? c : Math.max(c, h));
        total += 2 * widestWeight;                                                 // weights packed per call
        long gradient = 0;                                                         // output gradients, in blocks
        for (long oc : new long[] {v, h, 3 * c, c}) {                            // rows 16-byte aligned
            long ld = Packer.alignedColumns((int) oc);
            long rows = Math.min(n, Math.max(1, TensorCoreMatmul.MAX_PACKED_GRADIENT / ld));
            gradient = Math.max(gradient, rows * ld);
        }
        total += 2 * gradient;
        if (s.fp32ScoreGradients()) {
            total += 4 * 3 * n * c;                                                // Q, K, V rounded in float32
        }
        if (!stored) {
            total += 2 * 3 * n * c;                                                // Q, K, V packed
        }
        if (!s.fusedAttention()) {
            total += 2 * n * c;                                                    // the output gradient packed
            if (!s.fp32ScoreGradients()) {
                total += 2 * nh * t * t;                                           // probabilities of a sequence
            }
        }
        if (stored) {
            // a bf16 linear layer's float32 product before its bias add rounds it: QKV's, the widest (LayerNorm,
            // GELU and the fused attention write their bf16 outputs directly)
            total += 4 * n * 3 * c;
        }
        return total;
    }
}
