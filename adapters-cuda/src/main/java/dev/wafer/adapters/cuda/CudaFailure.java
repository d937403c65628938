package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.DeviceFailureException;

/**
 * A CUDA, NVRTC or cuBLAS call failed while the backend was running. The message names the call, the library's
 * error name and code and, for launches and the calls after them, the kernel.
 */
final class CudaFailure extends DeviceFailureException {
    private static final long serialVersionUID = 1L;

    private final int code;

    CudaFailure(String message, int code) {
        this(message, code, false);
    }

    /** @param outOfMemory whether the library said it could not allocate device memory */
    CudaFailure(String message, int code, boolean outOfMemory) {
        super("cuda", message, outOfMemory);
        this.code = code;
    }

    /** The library's status code. */
    int code() {
        return code;
    }
}
