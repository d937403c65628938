package dev.wafer.adapters.cuda;

import java.util.Map;

/**
 * Names and meanings of the CUDA error codes a probe can meet, so that users see "no CUDA-capable
 * device is detected" rather than a bare number. Codes and texts follow {@code cuda.h} (CUDA 13.0);
 * an unknown code is still shown with its number.
 */
final class CudaErrors {
    private static final Map<Integer, String> MEANINGS = Map.ofEntries(
            Map.entry(1, "CUDA_ERROR_INVALID_VALUE: an argument is out of range"),
            Map.entry(2, "CUDA_ERROR_OUT_OF_MEMORY: the driver could not allocate memory"),
            Map.entry(3, "CUDA_ERROR_NOT_INITIALIZED: the driver is not initialised or cuInit failed"),
            Map.entry(4, "CUDA_ERROR_DEINITIALIZED: the driver is shutting down"),
            Map.entry(34, "CUDA_ERROR_STUB_LIBRARY: the loaded libcuda is the toolkit's stub, not a real driver"),
            // 35 is not in the driver API's enum; it is the runtime API's cudaErrorInsufficientDriver,
            // which bindings built on the runtime report, so it is named here too.
            Map.entry(35, "insufficient driver: the NVIDIA driver is older than this CUDA version needs"),
            Map.entry(36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER: the call needs a newer NVIDIA driver"),
            Map.entry(46, "CUDA_ERROR_DEVICE_UNAVAILABLE: the device is busy or prohibited by its compute mode"),
            Map.entry(100, "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected"),
            Map.entry(101, "CUDA_ERROR_INVALID_DEVICE: the device ordinal is not valid"),
            Map.entry(304, "CUDA_ERROR_OPERATING_SYSTEM: an operating-system call failed"),
            Map.entry(800, "CUDA_ERROR_NOT_PERMITTED: the operation is not permitted"),
            Map.entry(802, "CUDA_ERROR_SYSTEM_NOT_READY: the system is not ready (driver daemons not running?)"),
            Map.entry(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH: the display driver and CUDA driver versions differ"),
            Map.entry(804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE: forward compatibility not supported here"),
            Map.entry(999, "CUDA_ERROR_UNKNOWN: an unknown internal error"));

    /** The advice when nothing more specific is known. */
    static final String CHECK_DRIVER = "Check the NVIDIA driver installation (nvidia-smi should list the GPU)";

    private CudaErrors() {
    }

    /** E.g. {@code "CUDA error 100 (CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected)"}. */
    static String describe(int code) {
        return "CUDA error " + code + " (" + MEANINGS.getOrDefault(code, "not a code this version of Wafer knows") + ")";
    }

    /** What a user can do about a failure with this code. */
    static String remedy(int code) {
        return switch (code) {
            case 100, 101 -> "Run on a machine with an NVIDIA GPU, and check that CUDA_VISIBLE_DEVICES does not hide it";
            case 34 -> "Make the real NVIDIA driver's libcuda.so.1 come before the toolkit's stubs on the library path";
            case 35, 36, 803, 804 -> "Install an NVIDIA driver that supports CUDA 13 (nvidia-smi shows the version)";
            case 46 -> "Free the GPU or change its compute mode (nvidia-smi -c DEFAULT)";
            default -> CHECK_DRIVER;
        };
    }
}
