package dev.wafer.adapters.mpi;

import java.util.Map;

import dev.wafer.ports.backend.BackendAvailability;

/**
 * Reports whether Open MPI can be used here, in one line, without initialising it: the library loads and answers
 * {@code MPI_Get_library_version}, and whether this process was launched by {@code mpirun}. Never throws.
 */
public final class MpiProbe {
    static final String INSTALL = "Install Open MPI 4 (Debian: apt-get install openmpi-bin libopenmpi-dev)";

    private MpiProbe() {
    }

    /** The library's state and this process's launch, as one available/unavailable line. */
    public static BackendAvailability probe(Map<String, String> env) {
        String version;
        try {
            version = MpiLibrary.load().version();
        } catch (IllegalArgumentException | LinkageError e) {
            return BackendAvailability.unavailable(MpiLibrary.NAME + " not found, so Open MPI is not installed ("
                    + oneLine(e) + ")", INSTALL);
        } catch (RuntimeException e) {
            return BackendAvailability.unavailable("Open MPI cannot be used (" + oneLine(e) + ")", INSTALL);
        }
        return BackendAvailability.available(version + "; " + MpiLaunch.describe(env));
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
