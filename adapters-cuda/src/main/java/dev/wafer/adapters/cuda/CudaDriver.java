package dev.wafer.adapters.cuda;

/**
 * The few CUDA driver API calls the probe needs. An interface so that tests can simulate drivers
 * that fail with any error code, on machines without a GPU.
 */
interface CudaDriver {

    /** {@code cuInit(0)}: must succeed before any other call. */
    void init() throws CudaException;

    /** {@code cuDriverGetVersion}: e.g. 13000 for CUDA 13.0. */
    int driverVersion() throws CudaException;

    /** {@code cuDeviceGetCount}. */
    int deviceCount() throws CudaException;

    /** {@code cuDeviceGet} then {@code cuDeviceGetName} for the device with this ordinal. */
    String deviceName(int ordinal) throws CudaException;

    /** {@code cuDeviceGetAttribute} of the device with this ordinal, e.g. {@link DriverApi#MULTIPROCESSOR_COUNT}. */
    int attribute(int ordinal, int attribute) throws CudaException;

    /**
     * Free and total device memory in bytes ({@code cuMemGetInfo}), read inside the device's primary context,
     * which is retained for the call and released after it. The calling thread's current context (an open
     * backend's, or none) is current again afterwards.
     */
    long[] memoryInfo(int ordinal) throws CudaException;
}
