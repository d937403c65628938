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
}
