package dev.wafer.adapters.cuda;

/**
 * A CUDA, NVRTC or cuBLAS call failed while the backend was running. The message names the call, the library's
 * error name and code and, for launches and the calls after them, the kernel.
 */
final class CudaFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    CudaFailure(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The library's status code. */
    int code() {
        return code;
    }
}
