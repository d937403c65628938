package dev.wafer.app.cluster;

/** Launched as an MPI rank, but MPI cannot be used here; the message is one line with the remedy. */
public final class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClusterUnavailableException(String message) {
        super(message);
    }
}
