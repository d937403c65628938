package dev.wafer.adapters.opencl;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelDeviceProfile;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.kernel.KernelProfile;

/**
 * The device side of the backend: one compiled {@link ClProgram}, its arena (all tensors of all scopes), staging
 * buffers for host transfers, and the launch path that refuses any run that is not on the OpenCL device.
 *
 * <p><b>Transfers.</b> The program runs in Aparapi's explicit mode: nothing crosses between host and device except
 * through {@code put}/{@code get} here: the token/target ids of a call, the staging buffer of
 * {@link #write}/{@link #read}, the partial sums of {@link #sumOfSquares}, and the whole arena only when it grows.
 *
 * <p><b>No fallback.</b> The program is compiled for the device when the runtime opens ({@code compile(device)}),
 * every launch uses a range bound to the device, and after every launch the kernel's target device, its execution
 * mode and Aparapi's list of failed devices are checked; any sign of a fallback becomes a {@link ClFallbackException}.
 *
 * <p>One caller at a time: every public method is synchronized.
 */
final class ClRuntime implements AutoCloseable {
    /** Values per work-group of a sum of squares, until {@link ClProgram#PARTIALS} groups are reached. */
    static final int SUM_VALUES_PER_GROUP = 4096;

    /** Initial arena size in floats (64 MiB): large enough to be a humongous object that G1 does not move. */
    static final int DEFAULT_ARENA = 16 << 20;
    /** Floats per staging transfer (256 KiB). */
    static final int STAGE = 64 << 10;
    /** Largest Java array Aparapi can bind. */
    static final int MAX_JAVA_ARRAY = Integer.MAX_VALUE - 16;

    private final OpenCLDevice device;
    private final String deviceName;
    private final String deviceDetail;
    private final ClProgram program;
    private final ClArena arena;
    private final int maxFloats;
    private int scratchOffset = -1;
    private int scratchLength;
    /** Host copy of the sums of squares' partial pairs, grown as needed (a step allocates nothing). */
    private float[] partials = new float[0];
    private boolean closed;

    ClRuntime(OpenCLDevice device, int initialArena) {
        this.device = device;
        this.deviceName = ClDeviceSelector.describe(device);
        this.deviceDetail = ClDeviceSelector.detail(device);
        long alloc = device.getMaxMemAllocSize() / Float.BYTES;
        this.maxFloats = (int) Math.min(MAX_JAVA_ARRAY, alloc > 0 ? alloc : MAX_JAVA_ARRAY);
        int first = Math.min(Math.max(initialArena, ClArena.ALIGN), maxFloats) / ClArena.ALIGN * ClArena.ALIGN;
        if (device.getMaxWorkGroupSize() < ClProgram.TILE * ClProgram.TILE) {
            throw new ClUnavailableException(deviceName + " allows work-groups of " + device.getMaxWorkGroupSize()
                    + " items; the OpenCL backend needs " + ClProgram.TILE * ClProgram.TILE);
        }
        this.program = new ClProgram(first, STAGE, 1024);
        this.arena = new ClArena(first);
        program.setExplicit(true);
        KernelManager.instance().setPreferredDevices(program, new LinkedHashSet<>(List.of(device)));
        compileFor(program, device, "wafer program (" + ClKernel.values().length + " kernels)");
        // First launch creates the device buffers; the arena starts zeroed (it is a new Java array).
        program.put(program.mem);
        program.put(program.stage);
        program.put(program.ints);
        fill(0, 0, 0f);
    }

    /**
     * Compiles {@code kernel} for {@code device} up front and checks that Aparapi targets that device.
     *
     * @throws ClFallbackException if it cannot be compiled for the device or Aparapi would run it elsewhere
     */
    static void compileFor(Kernel kernel, OpenCLDevice device, String name) {
        String where = ClDeviceSelector.describe(device);
        try {
            kernel.compile(device);
        } catch (CompileFailedException e) {
            throw new ClFallbackException(name, where, "it does not compile for the device: " + e.getMessage(), e);
        } catch (RuntimeException | AssertionError e) {
            throw new ClFallbackException(name, where, "Aparapi refused to compile it: " + e, e);
        } finally {
            // PoCL's LLVM compiles in-process and may register its signal handlers (SignalHandlerGuard).
            SignalHandlerGuard.restore();
        }
        requireOnDevice(kernel, device, name);
    }

    /**
     * Fails unless {@code kernel}'s last compile or launch ran on {@code device} with OpenCL. Four signals, because
     * none of Aparapi's alone is enough: {@code isRunningCL()} only reports the preferred device of the kernel class
     * (it stays {@code true} while a kernel forced into JTP mode runs on the thread pool); the execution mode catches
     * forced JTP/SEQ; the failed-device list catches an OpenCL error Aparapi recovered from; and the kernel profile's
     * last device is where the last execution really happened.
     *
     * @throws ClFallbackException naming the kernel and what Aparapi did instead
     */
    @SuppressWarnings("deprecation")
    static void requireOnDevice(Kernel kernel, Device device, String name) {
        String where = device instanceof OpenCLDevice d ? ClDeviceSelector.describe(d) : String.valueOf(device);
        Kernel.EXECUTION_MODE mode = kernel.getExecutionMode();
        if (mode == Kernel.EXECUTION_MODE.JTP || mode == Kernel.EXECUTION_MODE.SEQ) {
            throw new ClFallbackException(name, where, "the kernel is in Aparapi execution mode " + mode, null);
        }
        if (KernelManager.instance().getPreferences(kernel).getFailedDevices().contains(device)) {
            throw new ClFallbackException(name, where, "Aparapi marked the device as failed for "
                    + kernel.getClass().getSimpleName() + " (see Aparapi's log for the OpenCL error)", null);
        }
        KernelProfile profile = KernelManager.instance().getProfile(kernel.getClass());
        KernelDeviceProfile last = profile.getLastDeviceProfile();
        if (last != null && last != profile.getDeviceProfile(device)) {
            throw new ClFallbackException(name, where, "Aparapi last ran it elsewhere: " + last, null);
        }
        Device target = kernel.getTargetDevice();
        if (!kernel.isRunningCL() || !device.equals(target)) {
            throw new ClFallbackException(name, where, "Aparapi's target is " + (target == null ? "none"
                    : target.getShortDescription()) + " in execution mode " + mode, null);
        }
    }

    String deviceName() {
        return deviceName;
    }

    /** The device with its platform, compute units and memory ({@link ClDeviceSelector#detail}). */
    String deviceDetail() {
        return deviceDetail;
    }

    OpenCLDevice device() {
        return device;
    }

    // ---------------------------------------------------------------- memory

    /** A zeroed block of {@code length} floats in the arena; grows the arena when needed. */
    synchronized int allocate(long length) {
        checkOpen();
        if (length < 0 || length > maxFloats - ClArena.ALIGN) {
            throw new IllegalArgumentException("the OpenCL backend cannot allocate " + length + " floats on "
                    + deviceName + " (largest single allocation: " + (maxFloats - ClArena.ALIGN) + " floats)");
        }
        int len = (int) length;
        int off = arena.allocate(len);
        if (off < 0) {
            grow(len);
            off = arena.allocate(len);
            if (off < 0) {
                throw new IllegalStateException("arena growth did not make room for " + len + " floats");
            }
        }
        fill(off, len, 0f);
        return off;
    }

    synchronized void release(int offset) {
        if (!closed) {
            arena.release(offset);
        }
    }

    /** Floats allocated in the arena now. */
    synchronized long usedFloats() {
        return arena.usedFloats();
    }

    synchronized int arenaCapacity() {
        return arena.capacity();
    }

    /**
     * Doubles the arena (at least enough for {@code needed} more floats): copies it to the host, into a larger array,
     * and back. Rare: allocation happens when a model is set up, not per step.
     */
    private void grow(int needed) {
        long want = Math.max(2L * arena.capacity(), (long) arena.capacity() + ClArena.aligned(needed) + ClArena.ALIGN);
        int cap = (int) Math.min(want, maxFloats) / ClArena.ALIGN * ClArena.ALIGN;
        if (cap - arena.capacity() < ClArena.aligned(needed)) {
            throw new IllegalArgumentException("the OpenCL arena on " + deviceName + " cannot grow to hold "
                    + needed + " more floats (in use " + arena.usedFloats() + ", limit " + maxFloats + ")");
        }
        program.get(program.mem);
        float[] bigger = Arrays.copyOf(program.mem, cap);
        program.mem = bigger;
        program.put(bigger);
        arena.grow(bigger.length);
    }

    /** A runtime-owned block of at least {@code length} floats for intermediate results (attention backward). */
    synchronized int scratch(long length) {
        if (length > scratchLength) {
            if (scratchOffset >= 0) {
                arena.release(scratchOffset);
                scratchOffset = -1;
            }
            scratchOffset = allocate(length);
            scratchLength = (int) length;
        }
        return scratchOffset;
    }

    /** Host to device: {@code count} floats of {@code src} from {@code srcOffset} to arena offset {@code offset}. */
    synchronized void write(float[] src, int srcOffset, int offset, int count) {
        checkOpen();
        int done = 0;
        while (done < count) {
            int k = Math.min(count - done, STAGE);
            System.arraycopy(src, srcOffset + done, program.stage, 0, k);
            program.put(program.stage);
            launch(ClArgs.of(ClKernel.STAGE_IN).buffer("out", offset + done).integer("n", k), k);
            done += k;
        }
    }

    /** Device to host: {@code count} floats at arena offset {@code offset} into {@code dst} from {@code dstOffset}. */
    synchronized void read(int offset, float[] dst, int dstOffset, int count) {
        checkOpen();
        int done = 0;
        while (done < count) {
            int k = Math.min(count - done, STAGE);
            launch(ClArgs.of(ClKernel.STAGE_OUT).buffer("inp", offset + done).integer("n", k), k);
            program.get(program.stage);
            System.arraycopy(program.stage, 0, dst, dstOffset + done, k);
            done += k;
        }
    }

    /** Uploads ids (tokens or targets) for the next launch. */
    synchronized void uploadInts(int[] ids, int count) {
        if (count > program.ints.length) {
            program.ints = new int[Math.max(count, 2 * program.ints.length)];
        }
        System.arraycopy(ids, 0, program.ints, 0, count);
        program.put(program.ints);
    }

    // ---------------------------------------------------------------- launches

    synchronized void fill(int offset, int n, float value) {
        launch(ClArgs.of(ClKernel.FILL).buffer("out", offset).integer("n", n).real("value", value), n);
    }

    /** Runs a 1-D kernel over {@code items} work-items (rounded up to a multiple of the group size). */
    synchronized void launch(ClArgs args, int items) {
        args.kernel().checkShape(ClKernel.Shape.LINEAR);
        if (items < 0) {
            throw new IllegalArgumentException("negative size " + items);
        }
        long global = Math.max(ClProgram.GROUP, (items + (long) ClProgram.GROUP - 1) / ClProgram.GROUP * ClProgram.GROUP);
        run(args, Range.create(device, (int) global, ClProgram.GROUP));
    }

    /**
     * Runs a row kernel, a work-group of {@link ClProgram#GROUP} items per row; nothing for no rows (a launch has at
     * least one group, which would work on row 0).
     */
    synchronized void launchRows(ClArgs args, int rows) {
        if (rows != 0) {
            launch(args, Math.multiplyExact(rows, ClProgram.GROUP));
        }
    }

    /** Runs the blocked GEMM over {@code batches} outputs of {@code rows x cols}: a TILE x TILE group per block. */
    synchronized void launchBlocked(ClArgs args, int rows, int cols, int batches) {
        args.kernel().checkShape(ClKernel.Shape.BLOCKED);
        int t = ClProgram.TILE;
        int b = ClProgram.BLOCK;
        run(args, Range.create3D(device, (cols + b - 1) / b * t, (rows + b - 1) / b * t, batches, t, t, 1));
    }

    private void run(ClArgs args, Range range) {
        checkOpen();
        program.load(args);
        execute(program, range, device, args.kernel().entry());
    }

    /**
     * Executes {@code kernel} over {@code range} (bound to {@code device}) and checks that it ran there.
     *
     * @throws ClFallbackException naming {@code name} when Aparapi failed, or ran it anywhere else
     */
    static void execute(Kernel kernel, Range range, OpenCLDevice device, String name) {
        try {
            kernel.execute(range);
        } catch (RuntimeException | AssertionError e) {
            throw new ClFallbackException(name, ClDeviceSelector.describe(device), "Aparapi failed to launch it: " + e, e);
        }
        requireOnDevice(kernel, device, name);
    }

    /**
     * Sums of squares of {@code tensors} runs of floats, {@code counts[i]} at arena offset {@code offsets[i]}, into
     * {@code sums}: each run's {@link #sumGroups} float pairs, one per work-group, written side by side in scratch on
     * the device ({@link ClProgram#PARTIALS} pairs' room a run), brought back in one staged read (a few transfers, not
     * two per tensor: the gradient norm of the 111M model sums 124 tensors a step), and each run's pairs added here
     * in double, in order.
     */
    synchronized void sumsOfSquares(int[] offsets, int[] counts, int tensors, double[] sums) {
        int pairs = 2 * ClProgram.PARTIALS;
        int length = Math.multiplyExact(tensors, pairs);
        int out = scratch(length);
        for (int i = 0; i < tensors; i++) {
            launch(ClArgs.of(ClKernel.SUM_OF_SQUARES).buffer("out", out + i * pairs).buffer("inp", offsets[i])
                    .integer("n", counts[i]), sumGroups(counts[i]) * ClProgram.GROUP);
        }
        if (partials.length < length) {
            partials = new float[length];
        }
        read(out, partials, 0, length);
        for (int i = 0; i < tensors; i++) {
            double s = 0;
            int groups = sumGroups(counts[i]);
            for (int g = 0; g < groups; g++) {
                s += (double) partials[i * pairs + g] + partials[i * pairs + ClProgram.PARTIALS + g];
            }
            sums[i] = s;
        }
    }

    /**
     * The work-groups of a sum of squares over {@code n} floats: one per {@link #SUM_VALUES_PER_GROUP} values, at
     * least one and at most {@link ClProgram#PARTIALS}. Why: a GPU needs tens of thousands of work-items to stream a
     * large tensor at its bandwidth (the 111M model's token embedding is 38.6 million floats), a small one would
     * waste most of them, and a count set by n alone keeps the sum's order, and so its bits, the same on any device
     * (CUDA's first pass takes the same blocks: {@code CudaReductions.blocks}). Until 2026-12-07 every tensor got 16
     * work-groups of 64 items, 1,024 in all.
     */
    static int sumGroups(int n) {
        return Math.clamp((n + (long) SUM_VALUES_PER_GROUP - 1) / SUM_VALUES_PER_GROUP, 1, ClProgram.PARTIALS);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            program.dispose();
        }
    }
}
