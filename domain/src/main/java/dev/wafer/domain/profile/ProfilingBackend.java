package dev.wafer.domain.profile;

import java.util.Set;
import java.util.function.LongSupplier;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.TensorScope;

/**
 * A compute backend that runs every kernel on another one and charges each call to a {@link KernelProfile}. Tensors
 * and scopes are the wrapped backend's own, so its kernels see exactly what they would see unwrapped. Each timed call
 * is bracketed by {@link ComputeBackend#synchronize()}, which serialises an asynchronous backend: a profiled run
 * shows where time goes, not how fast the unprofiled run is. Each kernel accessor wraps what the backend hands
 * out, once per kernel object ({@link LastWrapper}). Closing this closes the wrapped backend.
 */
public final class ProfilingBackend implements ComputeBackend {
    private final ComputeBackend backend;
    private final KernelProfile profile;
    private final CallTimer timer;
    private final LastWrapper<EncoderKernel> encoderWrapper;
    private final LastWrapper<LayerNormKernel> layerNormWrapper;
    private final LastWrapper<MatmulKernel> matmulWrapper;
    private final LastWrapper<AttentionKernel> attentionWrapper;
    private final LastWrapper<GeluKernel> geluWrapper;
    private final LastWrapper<ResidualKernel> residualWrapper;
    private final LastWrapper<CrossEntropyKernel> crossEntropyWrapper;
    private final LastWrapper<AdamWKernel> adamWWrapper;
    private final LastWrapper<ReductionKernel> reductionsWrapper;

    /** Profiles {@code backend} into {@code profile} with {@link System#nanoTime()}. */
    public ProfilingBackend(ComputeBackend backend, KernelProfile profile) {
        this(backend, profile, System::nanoTime);
    }

    /** As {@link #ProfilingBackend(ComputeBackend, KernelProfile)}, reading {@code clock} (nanoseconds). */
    public ProfilingBackend(ComputeBackend backend, KernelProfile profile, LongSupplier clock) {
        // Refused here: a null profile failed at the first kernel call, deep in the timer (until 2026-12-08).
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
        java.util.Objects.requireNonNull(profile, "profile");
        java.util.Objects.requireNonNull(clock, "clock");
        this.profile = profile;
        this.timer = new CallTimer(backend, profile, clock);
        this.encoderWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedEncoder(k, timer));
        this.layerNormWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedLayerNorm(k, timer));
        this.matmulWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedMatmul(k, timer));
        this.attentionWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedAttention(k, timer));
        this.geluWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedGelu(k, timer));
        this.residualWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedResidual(k, timer));
        this.crossEntropyWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedCrossEntropy(k, timer));
        this.adamWWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedAdamW(k, timer));
        this.reductionsWrapper = new LastWrapper<>(k -> new ProfiledKernels.TimedReductions(k, timer));
    }

    /** The profile every call is charged to. */
    public KernelProfile profile() {
        return profile;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public String description() {
        return backend.description();
    }

    @Override
    public Set<Capability> capabilities() {
        return backend.capabilities();
    }

    @Override
    public void require(Set<Capability> needed) {
        backend.require(needed);
    }

    @Override
    public void synchronize() {
        backend.synchronize();
    }

    @Override
    public TensorScope openScope() {
        return backend.openScope();
    }

    @Override
    public EncoderKernel encoder() {
        return encoderWrapper.of(backend.encoder());
    }

    @Override
    public LayerNormKernel layerNorm() {
        return layerNormWrapper.of(backend.layerNorm());
    }

    @Override
    public MatmulKernel matmul() {
        return matmulWrapper.of(backend.matmul());
    }

    @Override
    public MatmulKernel matmul(OperandFormat operands) {
        return matmulWrapper.of(backend.matmul(operands));
    }

    @Override
    public AttentionKernel attention() {
        return attentionWrapper.of(backend.attention());
    }

    @Override
    public AttentionKernel attention(OperandFormat operands, boolean fp32ScoreGradients) {
        return attentionWrapper.of(backend.attention(operands, fp32ScoreGradients));
    }

    @Override
    public GeluKernel gelu() {
        return geluWrapper.of(backend.gelu());
    }

    @Override
    public ResidualKernel residual() {
        return residualWrapper.of(backend.residual());
    }

    @Override
    public CrossEntropyKernel crossEntropy() {
        return crossEntropyWrapper.of(backend.crossEntropy());
    }

    @Override
    public AdamWKernel adamW() {
        return adamWWrapper.of(backend.adamW());
    }

    @Override
    public ReductionKernel reductions() {
        return reductionsWrapper.of(backend.reductions());
    }

    @Override
    public void close() {
        backend.close();
    }
}
