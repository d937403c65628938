package dev.wafer.app.backend;

import dev.wafer.ports.backend.BackendAvailability;
import java.util.Map;

/**
 * Chooses the backend from configuration: the {@code --backend} flag if given, else the
 * {@code WAFER_BACKEND} environment variable if set and non-blank, else {@code cpu}. The flag wins
 * so that one command can override a shell-wide setting.
 */
public final class BackendSelection {
    /** The command-line option that names the backend. */
    public static final String FLAG = "--backend";
    /** The environment variable that names the backend when the flag is absent. */
    public static final String ENV = "WAFER_BACKEND";
    /** The backend used when nothing is configured; it runs everywhere. */
    public static final String DEFAULT_BACKEND = "cpu";

    private final BackendCatalog catalog;

    /** Selects among the backends of this catalogue. */
    public BackendSelection(BackendCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The configured backend, not yet probed.
     *
     * @param flag the value of {@code --backend}, or {@code null} when absent
     * @param env the environment (passed in so that tests need not change the real one)
     * @throws UnknownBackendException if the configured name is not in the catalogue
     */
    public BackendModule select(String flag, Map<String, String> env) {
        if (flag != null) {
            return lookUp(flag, FLAG);
        }
        String envValue = env.get(ENV);
        if (envValue != null && !envValue.isBlank()) {
            return lookUp(envValue.strip(), ENV);
        }
        return lookUp(DEFAULT_BACKEND, "the default");
    }

    /**
     * Probes the backend and returns what the probe found.
     *
     * @throws BackendUnavailableException if the backend cannot run here
     */
    public BackendAvailability requireAvailable(BackendModule backend) {
        BackendAvailability availability = backend.probe().probe();
        if (!availability.available()) {
            throw new BackendUnavailableException(backend.name(), availability);
        }
        return availability;
    }

    private BackendModule lookUp(String name, String source) {
        return catalog.find(name).orElseThrow(() -> new UnknownBackendException(name, source, catalog.names()));
    }
}
