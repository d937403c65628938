package dev.wafer.domain.model;

import java.util.Objects;
import java.util.Set;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.OperandFormat;

/**
 * How a model stores the activations whose only readers take 16-bit operands: the inputs of the four linear layers
 * of each block ({@code ln1}, {@code atty}, {@code ln2}, {@code fchGelu}), which only the bf16 matmul's forward and
 * backward read; the attention's input {@code qkv}, which only the bf16 attention reads (forward and backward, also
 * under {@link ModelPrecision#fp32AttentionGrads()}), rounding Q, K, V to bf16 on entry; and the saved attention
 * probabilities {@code att}, which the bf16 attention rounds to bf16 itself (its backward reads them widened,
 * exactly). Runs that watch the casts ({@code --underflow-report}) keep them all float32. In a bf16 run on a backend
 * with
 * {@link Capability#BF16_STORAGE} they are bf16 tensors, written rounded once by the kernel that produces them
 * (LayerNorm, the QKV matmul, attention, GELU) where their readers used to round them at every use, so the numbers
 * are the same and the memory is half. Everything else stays float32. {@code ln1} stays float32 under
 * {@link ModelPrecision#fp32AttentionGrads()}: the QKV projection's backward then reads it as a float32 operand
 * ({@code qkv} and {@code att} do not: the attention's operands and probabilities are bf16 in that mode too).
 *
 * @param format the storage of {@code qkv}, {@code atty}, {@code ln2}, {@code fchGelu} and {@code att}:
 *               {@link OperandFormat#FP32} or {@link OperandFormat#BF16}
 * @param ln1    the storage of {@code ln1}
 * @param note   why a 16-bit run keeps them float32 (for reports); empty otherwise
 * @param fusedAttention whether the attention saves each row's log-sum-exp ({@code (B, NH, T)} float32) instead of
 *               the probabilities {@code att} ({@link Capability#FUSED_ATTENTION}): bf16 storage, bf16 score
 *               gradients and a head size the capability covers
 */
public record ActivationStorage(OperandFormat format, OperandFormat ln1, String note, boolean fusedAttention) {
    /** Every activation float32 (fp32 runs), the attention's probabilities saved. */
    public static final ActivationStorage FP32 = new ActivationStorage(OperandFormat.FP32, OperandFormat.FP32, "");
    /** Every activation float32 (fp32 runs), the attention's log-sum-exps saved ({@link Capability#FUSED_ATTENTION_FP32}). */
    public static final ActivationStorage FP32_FUSED = new ActivationStorage(OperandFormat.FP32, OperandFormat.FP32, "",
            true);

    /** Storage with the probabilities saved (no fused attention). */
    public ActivationStorage(OperandFormat format, OperandFormat ln1, String note) {
        this(format, ln1, note, false);
    }

    /** Rejects missing parts. */
    public ActivationStorage {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(ln1, "ln1");
        Objects.requireNonNull(note, "note");
    }

    /**
     * The storage a model with {@code precision} gets on backend {@code backend} with {@code capabilities}: bf16
     * for a bf16 run that allows it on a backend that stores bf16 tensors, else float32 with the reason when the run
     * is 16-bit.
     */
    public static ActivationStorage choose(String backend, Set<Capability> capabilities, ModelPrecision precision) {
        return choose(backend, capabilities, precision, "");
    }

    private static ActivationStorage choose(String backend, Set<Capability> capabilities, ModelPrecision precision,
                                            String float32Note) {
        OperandFormat operands = precision.operands();
        if (operands == OperandFormat.FP32) {
            return FP32;
        }
        if (!precision.sixteenBitActivations()) {
            return new ActivationStorage(OperandFormat.FP32, OperandFormat.FP32, "kept float32 for this run");
        }
        if (operands != OperandFormat.BF16) {
            return new ActivationStorage(OperandFormat.FP32, OperandFormat.FP32,
                    operands.id() + " activation storage is not implemented");
        }
        if (!capabilities.contains(Capability.BF16_STORAGE)) {
            return new ActivationStorage(OperandFormat.FP32, OperandFormat.FP32, float32Note.isEmpty()
                    ? "backend '" + backend + "' stores float32 tensors only" : float32Note);
        }
        return new ActivationStorage(OperandFormat.BF16,
                precision.fp32AttentionGrads() ? OperandFormat.FP32 : OperandFormat.BF16, "");
    }

    /**
     * As {@link #choose(String, Set, ModelPrecision)} for a model whose heads have {@code headSize} channels, with
     * fused attention where the precision allows it ({@link ModelPrecision#fusedAttention()}): in a float32 run when
     * the backend declares {@link Capability#FUSED_ATTENTION_FP32} and it covers the head size; in a 16-bit run when
     * the backend declares {@link Capability#FUSED_ATTENTION}, the activations are bf16, the score gradients too (not
     * {@link ModelPrecision#fp32AttentionGrads()}) and the capability covers the head size.
     */
    public static ActivationStorage choose(String backend, Set<Capability> capabilities, ModelPrecision precision,
                                           int headSize) {
        return choose(backend, capabilities, precision, headSize, "");
    }

    /**
     * As {@link #choose(String, Set, ModelPrecision, int)}, with {@code float32Note} as the reason a backend without
     * {@link Capability#BF16_STORAGE} keeps them float32 (e.g. {@code the baseline CUDA kernels store float32 tensors
     * only}); empty for {@code backend 'NAME' stores float32 tensors only}.
     */
    public static ActivationStorage choose(String backend, Set<Capability> capabilities, ModelPrecision precision,
                                           int headSize, String float32Note) {
        ActivationStorage s = choose(backend, capabilities, precision, float32Note);
        if (precision.operands() == OperandFormat.FP32) {
            return precision.fusedAttention() && capabilities.contains(Capability.FUSED_ATTENTION_FP32)
                    && AttentionKernel.fusesFloat32HeadSize(headSize) ? FP32_FUSED : s;
        }
        boolean fused = s.format == OperandFormat.BF16 && !precision.fp32AttentionGrads() && precision.fusedAttention()
                && capabilities.contains(Capability.FUSED_ATTENTION) && AttentionKernel.fusesHeadSize(headSize);
        return fused ? new ActivationStorage(s.format, s.ln1, s.note, true) : s;
    }

    /**
     * For reports: {@code fp32}, {@code bf16} (the four linear-layer inputs, {@code qkv} and {@code att}),
     * {@code bf16 (ln1 fp32)},
     * or {@code fp32 (why)} in a 16-bit run that keeps them float32; {@code , fused attention} when the attention
     * saves log-sum-exps instead of probabilities.
     */
    public String describe() {
        String s = format.id();
        if (format != ln1) {
            s += " (ln1 " + ln1.id() + ")";
        }
        if (fusedAttention) {
            s += ", fused attention";
        }
        return note.isEmpty() ? s : s + " (" + note + ")";
    }
}
