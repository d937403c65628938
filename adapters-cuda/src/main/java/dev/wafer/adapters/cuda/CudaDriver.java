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
}
