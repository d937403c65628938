package dev.wafer.adapters.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * Child-process main for {@link OpenClSignalHandlersTest}: records the signal handlers, opens the OpenCL backend
 * (platform discovery, the program's compile and first launches), and prints each handler that changed with the
 * library it now lives in. Exit 0: none changed; 3: some did; 4: no OpenCL device.
 */
public final class SignalHandlersAcrossOpenCl {
    private SignalHandlersAcrossOpenCl() {
    }

    public static void main(String[] args) {
        long[] before = SignalDispositions.handlers();
        try {
            new ClBackend(ClDeviceSelector.parse(System.getenv().getOrDefault("WAFER_OPENCL_DEVICE", "")), 256);
        } catch (ClUnavailableException e) {
            System.out.println("no OpenCL device: " + e.getMessage());
            System.exit(4);
        }
        long[] after = SignalDispositions.handlers();
        List<String> changed = new ArrayList<>();
        for (int signal = 1; signal < before.length; signal++) {
            if (before[signal] != after[signal]) {
                changed.add("signal " + signal + ": " + SignalDispositions.owner(before[signal]) + " -> "
                        + SignalDispositions.owner(after[signal]));
            }
        }
        System.out.println(changed.isEmpty() ? "unchanged" : "changed: " + String.join(", ", changed));
        System.exit(changed.isEmpty() ? 0 : 3);
    }
}
