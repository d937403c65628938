package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.DeviceFailureException;

/**
 * An Aparapi kernel did not run, or would not have run, on the selected OpenCL device: it failed to compile for it,
 * or Aparapi fell back (or was about to fall back) to its Java thread pool. The OpenCL backend never lets a kernel
 * silently run somewhere else; the message names the kernel, the device and the reason. A device failure, so the
 * command line reports it in one line, not as a bug in Wafer.
 */
public final class ClFallbackException extends DeviceFailureException {
    private static final long serialVersionUID = 1L;

    /**
     * @param kernel the kernel or operation that did not run on the device
     * @param device the device it should have run on
     * @param reason why (Aparapi's message where there is one)
     * @param cause the underlying exception, or {@code null}
     */
    public ClFallbackException(String kernel, String device, String reason, Throwable cause) {
        super("opencl", "OpenCL kernel '" + kernel + "' did not run on " + device + ": " + reason
                + " (Aparapi would have re-run it on a Java thread pool; the OpenCL backend refuses to)", false);
        if (cause != null) {
            initCause(cause);
        }
    }
}
