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
 * out (a small object; the model asks once per kernel family, and for the gradient fill once per step). Closing
 * this closes the wrapped backend.
 */
public final class ProfilingBackend implements ComputeBackend {
    private final ComputeBackend backend;
    private final KernelProfile profile;
    private final CallTimer timer;

    /** Profiles {@code backend} into {@code profile} with {@link System#nanoTime()}. */
    public ProfilingBackend(ComputeBackend backend, KernelProfile profile) {
        this(backend, profile, System::nanoTime);
    }

    /** As {@link #ProfilingBackend(ComputeBackend, KernelProfile)}, reading {@code clock} (nanoseconds). */
    public ProfilingBackend(ComputeBackend backend, KernelProfile profile, LongSupplier clock) {
        this.backend = backend;
        this.profile = profile;
        this.timer = new CallTimer(backend, profile, clock);
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
        return new ProfiledKernels.TimedEncoder(backend.encoder(), timer);
    }

    @Override
    public LayerNormKernel layerNorm() {
        return new ProfiledKernels.TimedLayerNorm(backend.layerNorm(), timer);
    }

    @Override
    public MatmulKernel matmul() {
        return new ProfiledKernels.TimedMatmul(backend.matmul(), timer);
    }

    @Override
    public MatmulKernel matmul(OperandFormat operands) {
        return new ProfiledKernels.TimedMatmul(backend.matmul(operands), timer);
    }

    @Override
    public AttentionKernel attention() {
        return new ProfiledKernels.TimedAttention(backend.attention(), timer);
    }

    @Override
    public AttentionKernel attention(OperandFormat operands, boolean fp32ScoreGradients) {
        return new ProfiledKernels.TimedAttention(backend.attention(operands, fp32ScoreGradients), timer);
    }

    @Override
    public GeluKernel gelu() {
        return new ProfiledKernels.TimedGelu(backend.gelu(), timer);
    }

    @Override
    public ResidualKernel residual() {
        return new ProfiledKernels.TimedResidual(backend.residual(), timer);
    }

    @Override
    public CrossEntropyKernel crossEntropy() {
        return new ProfiledKernels.TimedCrossEntropy(backend.crossEntropy(), timer);
    }

    @Override
    public AdamWKernel adamW() {
        return new ProfiledKernels.TimedAdamW(backend.adamW(), timer);
    }

    @Override
    public ReductionKernel reductions() {
        return new ProfiledKernels.TimedReductions(backend.reductions(), timer);
    }

    @Override
    public void close() {
        backend.close();
    }
}
