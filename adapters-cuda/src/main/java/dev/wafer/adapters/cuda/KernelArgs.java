package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wafer.adapters.cuda.CudaKernel.Param;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The arguments of one launch, checked one by one against the kernel's parameter list as they are added, so a
 * launch that packs a float where the kernel takes a pointer fails here with the kernel's name instead of
 * corrupting memory on the device.
 */
final class KernelArgs {
    private final CudaKernel kernel;
    private final long[] values;
    private int count;

    private KernelArgs(CudaKernel kernel) {
        this.kernel = kernel;
        this.values = new long[kernel.params().size()];
    }

    /** An empty argument list for {@code kernel}. */
    static KernelArgs of(CudaKernel kernel) {
        return new KernelArgs(kernel);
    }

    CudaKernel kernel() {
        return kernel;
    }

    /** A device pointer. */
    KernelArgs pointer(long devicePointer) {
        return add(Param.POINTER, devicePointer);
    }

    KernelArgs integer(int value) {
        return add(Param.INT, value);
    }

    KernelArgs real(float value) {
        return add(Param.FLOAT, Float.floatToRawIntBits(value));
    }

    private KernelArgs add(Param kind, long bits) {
        List<Param> params = kernel.params();
        if (count >= params.size()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + params.size() + " arguments, not more");
        }
        if (params.get(count) != kind) {
            throw new IllegalArgumentException(kernel.entry() + " argument " + count + " is " + params.get(count)
                    + ", not " + kind);
        }
        values[count++] = bits;
        return this;
    }

    /** The kinds added so far. */
    List<Param> kinds() {
        return kernel.params().subList(0, count);
    }

    /**
     * Checks that every parameter has its argument.
     *
     * @throws IllegalArgumentException otherwise
     */
    void checkComplete() {
        if (count != values.length) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + values.length + " arguments, " + count
                    + " given");
        }
    }

    /** Most arguments any kernel takes; the size of a reusable {@link #packInto} block. */
    static final int MAX_ARGUMENTS = 16;
    /** Bytes of a {@link #packInto} block: a pointer and an 8-byte value slot per argument. */
    static final long BLOCK_BYTES = 16L * MAX_ARGUMENTS;

    /**
     * {@code cuLaunchKernel}'s {@code void** kernelParams} written into a block the caller reuses for every launch
     * (the driver copies the arguments during the call, so the block is free again when it returns): pointers
     * first, then one 8-byte slot per value. Nothing is allocated.
     *
     * @return {@code block}
     */
    MemorySegment packInto(MemorySegment block) {
        checkComplete();
        List<Param> params = kernel.params();
        for (int i = 0; i < values.length; i++) {
            long offset = 8L * (MAX_ARGUMENTS + i);
            switch (params.get(i)) {
                case POINTER -> block.set(JAVA_LONG, offset, values[i]);
                case INT, FLOAT -> block.set(JAVA_INT, offset, (int) values[i]);
            }
            block.setAtIndex(ADDRESS, i, block.asSlice(offset, 8));
        }
        return block;
    }

    /** {@code cuLaunchKernel}'s {@code void** kernelParams}: an array of pointers to each argument's value. */
    MemorySegment pack(Arena arena) {
        checkComplete();
        List<Param> params = kernel.params();
        MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, values.length));
        for (int i = 0; i < values.length; i++) {
            MemorySegment value = switch (params.get(i)) {
                case POINTER -> arena.allocateFrom(JAVA_LONG, values[i]);
                case INT -> arena.allocateFrom(JAVA_INT, (int) values[i]);
                case FLOAT -> arena.allocateFrom(JAVA_FLOAT, Float.intBitsToFloat((int) values[i]));
            };
            pointers.setAtIndex(ADDRESS, i, value);
        }
        return pointers;
    }
}
