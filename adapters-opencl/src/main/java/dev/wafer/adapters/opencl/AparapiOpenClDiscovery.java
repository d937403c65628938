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
        if (!OpenCLLoader.isOpenCLAvailable()) {
            return List.of();
        }
        List<OpenClPlatformInfo> found = new ArrayList<>();
        // Uncached: a probe must see the machine as it is now, not a list cached by an earlier call.
        for (OpenCLPlatform platform : OpenCLPlatform.getUncachedOpenCLPlatforms()) {
            List<String> devices = new ArrayList<>();
            for (OpenCLDevice device : platform.getOpenCLDevices()) {
                devices.add(device.getType() + " " + device.getName());
            }
            found.add(new OpenClPlatformInfo(
                    String.valueOf(platform.getName()), String.valueOf(platform.getVersion()), devices));
        }
        return found;
    }
}
