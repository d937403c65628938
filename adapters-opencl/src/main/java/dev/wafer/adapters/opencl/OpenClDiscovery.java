package dev.wafer.adapters.opencl;

import java.util.List;

/**
 * Lists the OpenCL platforms on this machine. An interface so that tests can stand in for the
 * native OpenCL stack, including one that fails to load.
 */
interface OpenClDiscovery {

    /**
     * Lists the platforms with their devices.
     *
     * @return the platforms found; empty when there is no OpenCL driver
     * @throws LinkageError if a native library cannot be loaded
     * @throws RuntimeException if the OpenCL stack fails in any other way
     */
    List<OpenClPlatformInfo> platforms();
}
