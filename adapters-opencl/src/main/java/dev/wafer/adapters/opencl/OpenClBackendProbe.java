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
    private final ClDeviceSelector selector;
    private final String setting;

    /** A probe of this machine's OpenCL platforms through Aparapi. */
    public OpenClBackendProbe() {
        this(new AparapiOpenClDiscovery());
    }

    /**
     * A probe that is available only when {@code selector} names a device here.
     *
     * @param setting where users set the selection (e.g. {@code WAFER_OPENCL_DEVICE}), named in the reason and remedy
     */
    public OpenClBackendProbe(ClDeviceSelector selector, String setting) {
        this(new AparapiOpenClDiscovery(), selector, setting);
    }

    OpenClBackendProbe(OpenClDiscovery discovery) {
        this(discovery, ClDeviceSelector.FIRST, "");
    }

    OpenClBackendProbe(OpenClDiscovery discovery, ClDeviceSelector selector, String setting) {
        this.discovery = discovery;
        this.selector = selector;
        this.setting = setting;
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
        if (!selector.equals(ClDeviceSelector.FIRST) && !anyMatch(platforms)) {
            return BackendAvailability.unavailable("no OpenCL device matches " + setting + " (" + selector + ")"
                    + "; found " + listing(platforms), "Unset " + setting + " for the first device, or set it to one of"
                    + " these by index or name (e.g. platform=0,device=0; device=cpu, gpu or accelerator picks by"
                    + " type)");
        }
        return BackendAvailability.available(description);
    }

    private boolean anyMatch(List<OpenClPlatformInfo> platforms) {
        for (int i = 0; i < platforms.size(); i++) {
            OpenClPlatformInfo p = platforms.get(i);
            if (selector.matchesPlatform(i, p.name())) {
                for (int j = 0; j < p.devices().size(); j++) {
                    OpenClPlatformInfo.Device d = p.devices().get(j);
                    if (selector.matchesDevice(j, d.name(), d.type(), p.name())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Each platform and device with the indices a selection may use. */
    private static String listing(List<OpenClPlatformInfo> platforms) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < platforms.size(); i++) {
            OpenClPlatformInfo p = platforms.get(i);
            b.append(i == 0 ? "" : "; ").append("platform ").append(i).append(" '").append(p.name()).append("'");
            for (int j = 0; j < p.devices().size(); j++) {
                b.append(j == 0 ? ": " : ", ").append("device ").append(j).append(" '")
                        .append(p.devices().get(j).name().strip()).append("' (")
                        .append(p.devices().get(j).type()).append(")");
            }
        }
        return b.toString();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        // Native error messages can span lines; the user sees this as part of one line.
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
