package dev.wafer.adapters.opencl;

import java.util.List;
import java.util.Objects;

/**
 * One OpenCL platform as found on this machine, in plain types so that the probe's logic does not
 * depend on Aparapi's classes (and can be tested without an OpenCL driver).
 *
 * @param name the platform's name, e.g. {@code Portable Computing Language}
 * @param version the OpenCL version string the platform reports
 * @param devices one description per device, e.g. {@code CPU pthread-AMD EPYC}
 */
record OpenClPlatformInfo(String name, String version, List<String> devices) {
    OpenClPlatformInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        devices = List.copyOf(devices);
    }

    /** Human-readable: the platform, its version and its devices. */
    String describe() {
        return name + " (" + version + "): " + (devices.isEmpty() ? "no devices" : String.join(", ", devices));
    }
}
