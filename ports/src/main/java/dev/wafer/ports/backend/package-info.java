/**
 * How a compute backend says whether it can run on this machine, before anything uses it.
 *
 * <p>Each adapter implements {@link dev.wafer.ports.backend.BackendProbe}; the application asks the
 * configured backend's probe at start-up and refuses to start with the probe's reason and remedy
 * when it cannot run, instead of failing later inside a kernel (or, as Aparapi does, silently
 * falling back to a slow path).
 */
package dev.wafer.ports.backend;
