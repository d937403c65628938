package dev.wafer.adapters.opencl;

import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reports whether OpenCL can run here: available only when at least one platform with at least one
 * device is found. Aparapi would otherwise "work" without OpenCL by running kernels on Java threads,
 * which passes tests while being orders of magnitude slower, so no device means unavailable.
 */
public final class OpenClBackendProbe implements BackendProbe {
    /** The name users select this backend by. */
    public static final String NAME = "opencl";

    static final String NO_PLATFORM = "no OpenCL platform found";
    static final String INSTALL_DRIVER = "Install an OpenCL driver (e.g. Debian's pocl-opencl-icd)";

    private final OpenClDiscovery discovery;

    /** A probe of this machine's OpenCL platforms through Aparapi. */
    public OpenClBackendProbe() {
        this(new AparapiOpenClDiscovery());
    }

    OpenClBackendProbe(OpenClDiscovery discovery) {
        this.discovery = discovery;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendAvailability probe() {
        List<OpenClPlatformInfo> platforms;
        try {
            platforms = discovery.platforms();
        } catch (LinkageError | RuntimeException e) {
            // A missing or broken native library is the usual "no driver" case; keep the cause for diagnosis.
            return BackendAvailability.unavailable(NO_PLATFORM + " (" + describe(e) + ")", INSTALL_DRIVER);
        }
        if (platforms.isEmpty()) {
            return BackendAvailability.unavailable(NO_PLATFORM, INSTALL_DRIVER);
        }
        String description = platforms.stream().map(OpenClPlatformInfo::describe).collect(Collectors.joining("; "));
        if (platforms.stream().allMatch(p -> p.devices().isEmpty())) {
            return BackendAvailability.unavailable("no OpenCL device found on " + description,
                    INSTALL_DRIVER + " that exposes a device");
        }
        return BackendAvailability.available(description);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        // Native error messages can span lines; the user sees this as part of one line.
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
