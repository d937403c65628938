package dev.wafer.adapters.opencl;

import com.aparapi.Kernel;

/**
 * The device memory of the backend's one Aparapi kernel: the arena every tensor is a window of, the staging array
 * of host copies, the token/target ids, the partial sums of a reduction and the GEMM tiles.
 *
 * <p><b>Why the kernels are a chain of classes.</b> Aparapi gives each {@code Kernel} instance its own device copy of
 * every array it binds, so two instances bound to the same {@code float[]} hold two device buffers that do not see each
 * other's writes without a trip through the host. Keeping tensors on the device therefore needs one instance that owns
 * {@link #mem} and runs every kernel; and Aparapi compiles one entry point per instance ({@code run()}) together with
 * the methods it calls, which must be methods of the kernel's class or its superclasses (only those can use {@code
 * getGlobalId()}, {@code localBarrier()} and the OpenCL math). So each family of kernels is a class in the chain {@code
 * ClDeviceArrays <- ClElementwiseKernels <- ClProductKernels <- ClLayerKernels <- ClAttentionKernels <- ClProgram}, one
 * method per kernel taking its arguments as typed, named parameters, and {@link ClProgram} dispatches to them. Fields
 * here are package-private: Aparapi cannot bind private fields of a superclass.
 *
 * <p><b>Aparapi rules</b> followed by every kernel method: primitive fields and arrays only, no lambdas or string
 * concatenation, no calls on other objects, no early {@code return} before a barrier. Sizes of 1-D launches are
 * rounded up to a multiple of the work-group size, so every 1-D kernel guards with {@code g < n}.
 */
abstract class ClDeviceArrays extends Kernel {
    /** GEMM k step and work-group edge: blocked launches use {@code TILE x TILE} work-groups. */
    static final int TILE = 16;
    /** Output block edge of the blocked GEMM: each of its TILE x TILE work-items computes 4 x 4 outputs. */
    static final int BLOCK = 64;
    /** Work-group size of 1-D launches. */
    static final int GROUP = 64;
    /** The most work-groups, and so float-pair partial sums, of one {@link ClKernel#SUM_OF_SQUARES} launch. */
    static final int PARTIALS = 1024;

    // Reassigned only by ClRuntime (arena growth, ids growth), never inside a kernel.
    float[] mem;
    float[] stage;
    int[] ints;

    // A row kernel's reductions across its work-group (GROUP items).
    @Local final float[] groupFloats = new float[GROUP];
    @Local final float[] groupLows = new float[GROUP];
    // The GEMM's operand tiles: BLOCK rows (or columns) by TILE steps of k.
    @Local final float[] tileA = new float[BLOCK * TILE];
    @Local final float[] tileB = new float[BLOCK * TILE];

    ClDeviceArrays(int arenaCapacity, int stageCapacity, int intCapacity) {
        mem = new float[arenaCapacity];
        stage = new float[stageCapacity];
        ints = new int[intCapacity];
    }
}
