package dev.wafer.domain.profile;

import java.util.function.LongSupplier;

import dev.wafer.ports.compute.ComputeBackend;

/**
 * Times one kernel call: waits for the device before reading the clock and again before charging the call, so a
 * backend that queues its kernels (CUDA) is charged for the work, not for the launch.
 */
final class CallTimer {
    private final ComputeBackend device;
    private final KernelProfile profile;
    private final LongSupplier clock;

    CallTimer(ComputeBackend device, KernelProfile profile, LongSupplier clock) {
        this.device = device;
        this.profile = profile;
        this.clock = clock;
    }

    long start() {
        device.synchronize();
        return clock.getAsLong();
    }

    void stop(KernelCall call, long start, double productFlops, double tensorBytes) {
        device.synchronize();
        profile.record(call, clock.getAsLong() - start, productFlops, tensorBytes);
    }
}
