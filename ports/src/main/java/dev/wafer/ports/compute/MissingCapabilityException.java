package dev.wafer.ports.compute;

import java.util.Set;

/** Thrown when a backend is asked for something it does not declare in {@link ComputeBackend#capabilities()}. */
public final class MissingCapabilityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Set<Capability> missing;

    /**
     * Carries the backend's name and the absent capabilities (copied), which the message names.
     *
     * @param backend the backend's name
     * @param missing the capabilities that were asked for and are absent
     */
    public MissingCapabilityException(String backend, Set<Capability> missing) {
        super("backend '" + backend + "' lacks " + missing);
        this.missing = Set.copyOf(missing);
    }

    /**
     * Carries the backend's name, the absent capabilities (copied) and what was asked for; the message says the
     * backend cannot store it.
     *
     * @param backend the backend's name
     * @param missing the capabilities that were asked for and are absent
     * @param what    what was asked for, e.g. {@code bf16 tensors}
     */
    public MissingCapabilityException(String backend, Set<Capability> missing, String what) {
        super("backend '" + backend + "' lacks " + missing + ": it cannot store " + what);
        this.missing = Set.copyOf(missing);
    }

    /** The capabilities that were asked for and are absent. */
    public Set<Capability> missing() {
        return missing;
    }
}
