package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * A kernel that does not run on the OpenCL device is an error naming it, never a silent run on Aparapi's Java
 * thread pool. Each case uses its own kernel class, because Aparapi keeps device preferences (and failed devices)
 * per kernel class.
 */
class ClFallbackTest {
    private OpenCLDevice device;

    @BeforeEach
    void device() {
        OpenClTestDevice.assumeDevice();
        device = OpenClTestDevice.selector().select();
    }

    /** Doubles {@code data}; a plain kernel Aparapi can compile. */
    public static final class DoublingKernel extends Kernel {
        final float[] data = {1, 2, 3, 4};

        @Override
        public void run() {
            int g = getGlobalId();
            if (g < 4) {
                data[g] = data[g] * 2f;
            }
        }
    }

    /** Same maths, forced onto the Java thread pool. */
    public static final class ThreadPoolKernel extends Kernel {
        final float[] data = {1, 2, 3, 4};

        @Override
        public void run() {
            int g = getGlobalId();
            if (g < 4) {
                data[g] = data[g] * 2f;
            }
        }
    }

    /** Same maths, forced onto the Java thread pool, launched on a range not bound to a device. */
    public static final class UnboundThreadPoolKernel extends Kernel {
        final float[] data = {1, 2, 3, 4};

        @Override
        public void run() {
            int g = getGlobalId();
            if (g < 4) {
                data[g] = data[g] * 2f;
            }
        }
    }

    /** Recursion, which OpenCL C does not allow, so Aparapi cannot translate it. */
    public static final class UncompilableKernel extends Kernel {
        final float[] data = {1, 2, 3, 4};

        int depth(int x) {
            return x <= 0 ? 0 : 1 + depth(x - 1);
        }

        @Override
        public void run() {
            int g = getGlobalId();
            data[g % 4] = depth(g);
        }
    }

    @Test
    void aKernelOnTheDevicePassesTheChecks() {
        DoublingKernel k = new DoublingKernel();
        try {
            ClRuntime.compileFor(k, device, "doubling");
            ClRuntime.execute(k, Range.create(device, 4, 4), device, "doubling");
            assertArrayEquals(new float[] {2, 4, 6, 8}, k.data);
        } finally {
            k.dispose();
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void aForcedThreadPoolRunIsReportedNamingTheKernel() {
        ThreadPoolKernel k = new ThreadPoolKernel();
        k.setExecutionMode(Kernel.EXECUTION_MODE.JTP);
        try {
            ClFallbackException e = assertThrows(ClFallbackException.class,
                    () -> ClRuntime.execute(k, Range.create(device, 4, 4), device, "thread-pool-kernel"));
            assertTrue(e.getMessage().contains("thread-pool-kernel"), e.getMessage());
            ClFallbackException c = assertThrows(ClFallbackException.class,
                    () -> ClRuntime.compileFor(k, device, "thread-pool-kernel"));
            assertTrue(c.getMessage().contains("thread-pool-kernel"), c.getMessage());
        } finally {
            k.dispose();
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void aSilentThreadPoolRunIsCaughtAfterTheLaunch() {
        UnboundThreadPoolKernel k = new UnboundThreadPoolKernel();
        k.setExecutionMode(Kernel.EXECUTION_MODE.JTP);
        try {
            k.execute(Range.create(4, 4)); // Aparapi runs this on its thread pool without complaint...
            assertArrayEquals(new float[] {2, 4, 6, 8}, k.data);
            assertTrue(k.isRunningCL(), "Aparapi's own flag still claims OpenCL: it cannot be the only check");
            // ...and the check every backend launch makes turns it into an error.
            ClFallbackException e = assertThrows(ClFallbackException.class,
                    () -> ClRuntime.requireOnDevice(k, device, "unbound-kernel"));
            assertTrue(e.getMessage().contains("unbound-kernel"), e.getMessage());
        } finally {
            k.dispose();
        }
    }

    @Test
    void aKernelThatCannotCompileIsReportedNotRunOnTheThreadPool() {
        UncompilableKernel k = new UncompilableKernel();
        try {
            ClFallbackException e = assertThrows(ClFallbackException.class,
                    () -> ClRuntime.compileFor(k, device, "uncompilable-kernel"));
            assertTrue(e.getMessage().contains("uncompilable-kernel") && e.getMessage().contains("recursion"),
                    e.getMessage());
            assertArrayEquals(new float[] {1, 2, 3, 4}, k.data, "nothing may have run");
        } finally {
            k.dispose();
        }
    }
}
