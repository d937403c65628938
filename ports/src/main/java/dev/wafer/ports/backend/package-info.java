/**
 * How a compute backend says whether it can run on this machine, before anything uses it.
 *
 * <p>Each adapter implements {@link dev.wafer.ports.backend.BackendProbe}; the application asks the
 * configured backend's probe at start-up and refuses to start with the probe's reason and remedy
 * when it cannot run, instead of failing later inside a kernel (or, as Aparapi does, silently
 * falling back to a slow path).
 *
 * <p>The domain has no use for it (which backend runs is the composition root's choice), yet it belongs in the
 * ports rather than in the application: the adapters implement it, and adapters may depend on nothing but the
 * ports. It is the adapters' side of backend selection, like
 * {@link dev.wafer.ports.compute.ComputeBackendFactory}.
 */
package dev.wafer.ports.backend;
