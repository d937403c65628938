package dev.wafer.adapters.opencl;

import java.util.List;

import dev.wafer.adapters.opencl.ClKernel.Kind;
import dev.wafer.adapters.opencl.ClKernel.Param;

/**
 * The arguments of one launch, checked one by one against the kernel's parameter list (name and kind) as they are
 * added, so a launch that swaps two buffers, passes a float for a size or forgets one fails here with the kernel's
 * name instead of reading the wrong memory on the device. Ints and buffers fill the int registers of
 * {@link ClProgram} in order, floats the float registers.
 */
final class ClArgs {
    private final ClKernel kernel;
    private final int[] ints = new int[ClProgram.INT_REGISTERS];
    private final float[] floats = new float[ClProgram.FLOAT_REGISTERS];
    private int count;
    private int intCount;
    private int floatCount;

    private ClArgs(ClKernel kernel) {
        this.kernel = kernel;
    }

    /** An empty argument list for {@code kernel}. */
    static ClArgs of(ClKernel kernel) {
        return new ClArgs(kernel);
    }

    ClKernel kernel() {
        return kernel;
    }

    /** A tensor's arena offset for the buffer parameter {@code name}. */
    ClArgs buffer(String name, ClTensor tensor) {
        return buffer(name, tensor.offset);
    }

    /** An arena offset (runtime scratch, staging) for the buffer parameter {@code name}. */
    ClArgs buffer(String name, int offset) {
        next(name, Kind.BUFFER);
        ints[intCount++] = offset;
        return this;
    }

    ClArgs integer(String name, int value) {
        next(name, Kind.INT);
        ints[intCount++] = value;
        return this;
    }

    ClArgs real(String name, float value) {
        next(name, Kind.FLOAT);
        floats[floatCount++] = value;
        return this;
    }

    private void next(String name, Kind kind) {
        List<Param> params = kernel.params();
        if (count >= params.size()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + params.size() + " arguments, not more ("
                    + name + ")");
        }
        Param expected = params.get(count);
        if (!expected.name().equals(name) || expected.kind() != kind) {
            throw new IllegalArgumentException(kernel.entry() + " argument " + count + " is " + expected.kind() + " "
                    + expected.name() + ", not " + kind + " " + name);
        }
        count++;
    }

    /**
     * Checks that every parameter has its argument.
     *
     * @throws IllegalArgumentException otherwise
     */
    void checkComplete() {
        if (count != kernel.params().size()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + kernel.params().size() + " arguments, "
                    + count + " given");
        }
    }

    /** The value of int register {@code i}; 0 where the kernel takes fewer ints. */
    int intRegister(int i) {
        return ints[i];
    }

    /** The value of float register {@code i}; 0 where the kernel takes fewer floats. */
    float floatRegister(int i) {
        return floats[i];
    }
}
