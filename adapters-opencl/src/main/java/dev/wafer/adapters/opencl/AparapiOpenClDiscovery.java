package dev.wafer.adapters.opencl;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks Aparapi's native layer for the OpenCL platforms and their devices.
 *
 * <p>Aparapi loads its JNI library and the system's {@code libOpenCL} in a static initialiser; when
 * that fails it only logs and answers "not available", so the loader's flag is checked before
 * the platform query (which would otherwise just return nothing, or throw
 * {@link UnsatisfiedLinkError} with older natives).
 */
final class AparapiOpenClDiscovery implements OpenClDiscovery {

    @Override
    public List<OpenClPlatformInfo> platforms() {
        // PoCL starts its LLVM here, which replaces the JVM's signal handlers (SignalHandlerGuard).
        return SignalHandlerGuard.around(AparapiOpenClDiscovery::query);
    }

    private static List<OpenClPlatformInfo> query() {
        if (!OpenCLLoader.isOpenCLAvailable()) {
            return List.of();
        }
        List<OpenClPlatformInfo> found = new ArrayList<>();
        // Uncached: a probe must see the machine as it is now, not a list cached by an earlier call.
        for (OpenCLPlatform platform : OpenCLPlatform.getUncachedOpenCLPlatforms()) {
            List<OpenClPlatformInfo.Device> devices = new ArrayList<>();
            for (OpenCLDevice device : platform.getOpenCLDevices()) {
                devices.add(new OpenClPlatformInfo.Device(String.valueOf(device.getType()), device.getName()));
            }
            found.add(new OpenClPlatformInfo(
                    String.valueOf(platform.getName()), shortVersion(String.valueOf(platform.getVersion())), devices));
        }
        return found;
    }

    /**
     * Keeps the part of a version string users need: PoCL reports e.g. {@code "OpenCL 3.0 PoCL 3.1+debian
     * Linux, None+Asserts, RELOC, SPIR, LLVM 15.0.6, ..."}, of which the build flags after the first comma
     * would only clutter a one-line report.
     */
    static String shortVersion(String version) {
        int comma = version.indexOf(',');
        return (comma < 0 ? version : version.substring(0, comma)).strip().replaceAll("\\s+", " ");
    }
}
