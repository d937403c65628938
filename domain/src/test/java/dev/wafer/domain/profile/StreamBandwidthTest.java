package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ResidualKernel;

/** A backend's streaming bandwidth through its residual add: 12 bytes a value over the best run, checked. */
class StreamBandwidthTest {
    private static final long SEED = 12;

    @Test
    void theBandwidthIsTwelveBytesAValueOverTheBestRun() {
        long[] clock = {0};
        long[] step = {9_000, 4_000, 6_000}; // nanoseconds per timed run; the best is 4 us
        int[] calls = {0};
        StreamBandwidth.Result r = StreamBandwidth.measure(new ReferenceBackend(), 1000, 3, () -> {
            int c = calls[0]++;
            if (c % 2 == 1) {
                clock[0] += step[c / 2];
            }
            return clock[0];
        }, SEED);
        assertEquals(1000, r.values());
        assertEquals(4e-6, r.bestSeconds(), 1e-15);
        assertEquals(12.0 * 1000 / 4e-6, r.bytesPerSecond(), 1e-3, "two values read and one written, 4 bytes each");
        assertTrue(r.description().startsWith("reference's residual add over 3 x 0.00381 MiB, best of 3"),
                r.description());
    }

    @Test
    void anAddThatComputesNothingReportsNoBandwidth() {
        ComputeBackend reference = new ReferenceBackend();
        ClassLoader loader = getClass().getClassLoader();
        ResidualKernel nothing = (ResidualKernel) Proxy.newProxyInstance(loader, new Class<?>[] {ResidualKernel.class},
                (p, m, a) -> null);
        ComputeBackend broken = (ComputeBackend) Proxy.newProxyInstance(loader, new Class<?>[] {ComputeBackend.class},
                (p, m, a) -> {
                    if (m.getName().equals("residual")) {
                        return nothing;
                    }
                    try {
                        return m.invoke(reference, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StreamBandwidth.measure(broken, 4096, 1, System::nanoTime, SEED));
        assertTrue(e.getMessage().startsWith("stream bandwidth: the timed residual add is wrong at "), e.getMessage());
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> StreamBandwidth.measure(new ReferenceBackend(), 0, 1, System::nanoTime, SEED));
        assertThrows(IllegalArgumentException.class,
                () -> StreamBandwidth.measure(new ReferenceBackend(), 16, 0, System::nanoTime, SEED));
    }
}
