package dev.wafer.ports.compute;

/**
 * Opens the configured compute backend. The composition root binds one factory per backend; whoever calls
 * {@link #open()} owns the backend and closes it (a backend may hold threads or a device context, which a
 * dependency-injection container should not own).
 */
@FunctionalInterface
public interface ComputeBackendFactory {
    /**
     * Opens a new backend.
     *
     * @throws IllegalStateException if the backend cannot start here; the message says why and what to do
     */
    ComputeBackend open();

    /**
     * The capabilities of the backends {@link #open()} returns, where they are known without opening one, so that a
     * run can be sized before its backend opens (a dry run, the default micro-batch). The default, empty, means not
     * known: callers then size for float32 tensors only, which is what a backend without
     * {@link Capability#BF16_STORAGE} allocates.
     */
    default java.util.Set<Capability> declaredCapabilities() {
        return java.util.Set.of();
    }

    /**
     * Why the backends {@link #open()} returns store float32 tensors only, for reports, where the backend's name alone
     * would mislead (one of its kernel variants stores bf16 tensors, the configured one does not), e.g. {@code the
     * baseline CUDA kernels store float32 tensors only}; read where {@link #declaredCapabilities()} lacks
     * {@link Capability#BF16_STORAGE}. The default, empty, means the name says it ("backend 'NAME' stores float32
     * tensors only").
     */
    default String float32StorageNote() {
        return "";
    }

    /**
     * The memory the backends {@link #open()} returns keep for themselves during a training step of this shape
     * (scratch buffers that grow to their largest request and stay), beside the tensors the caller allocates: what a
     * run's memory estimate adds to the model's own tensors. The default, 0, is for backends that keep none (or none
     * that the run is sized against).
     */
    default long workspaceBytes(StepShape step) {
        return 0;
    }
}
