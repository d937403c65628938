package dev.wafer.adapters.opencl;

import java.util.List;
import java.util.Objects;

/**
 * One OpenCL platform as found on this machine, in plain types so that the probe's logic does not
 * depend on Aparapi's classes (and can be tested without an OpenCL driver).
 *
 * @param name the platform's name, e.g. {@code Portable Computing Language}
 * @param version the OpenCL version string the platform reports
 * @param devices its devices, in the platform's order
 */
record OpenClPlatformInfo(String name, String version, List<Device> devices) {
    /**
     * One device of the platform.
     *
     * @param type Aparapi's device type, e.g. {@code CPU}, {@code GPU}, {@code ACC}
     * @param name the device's name, e.g. {@code pthread-AMD EPYC}
     */
    record Device(String type, String name) {
        @Override
        public String toString() {
            return type + " " + name;
        }
    }

    OpenClPlatformInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        devices = List.copyOf(devices);
    }

    /** Human-readable: the platform, its version and its devices. */
    String describe() {
        return name + " (" + version + "): " + (devices.isEmpty() ? "no devices" : devices.stream().map(Device::toString)
                .collect(java.util.stream.Collectors.joining(", ")));
    }
}
