package dev.wafer.adapters.cuda;

/** A CUDA driver call returned an error code ({@code CUresult} other than {@code CUDA_SUCCESS}). */
final class CudaException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;

    CudaException(String call, int code) {
        super(call + " failed: " + CudaErrors.describe(code));
        this.call = call;
        this.code = code;
    }

    /** The driver function that failed, e.g. {@code cuInit}. */
    String call() {
        return call;
    }

    /** The {@code CUresult} it returned. */
    int code() {
        return code;
    }
}
