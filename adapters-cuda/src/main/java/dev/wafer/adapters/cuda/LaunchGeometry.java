package dev.wafer.adapters.cuda;

/**
 * The grid and block of one kernel launch (two-dimensional; z is always 1) and its dynamic shared memory, checked
 * against the limits every CUDA device since compute capability 3.0 has (grid x below 2^31, grid y at most
 * {@value #MAX_GRID_Y}, at most {@value #MAX_SHARED_BYTES} bytes of shared memory without an opt-in) and at most
 * {@value #MAX_THREADS} threads per block, a quarter of what devices allow: whatever number of registers a compiler
 * gives a kernel (at most 255 a thread, allocated 8 at a time), 256 threads fit the 65,536 registers of a block on
 * every device since compute capability 5.0, so no launch can fail with {@code CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES}
 * because the driver's compiler on a GPU machine allocates more registers than NVRTC did here.
 */
record LaunchGeometry(int gridX, int gridY, int blockX, int blockY, int sharedBytes) {
    /** Threads per block: 256 x 256 registers = 65,536, the register file of a block (see above). */
    static final int MAX_THREADS = 256;
    /** The grid's y extent. */
    static final int MAX_GRID_Y = 65535;
    /** Shared memory per block without {@code cudaFuncAttributeMaxDynamicSharedMemorySize}: 48 KiB. */
    static final int MAX_SHARED_BYTES = 48 * 1024;
    /** Threads of a warp. */
    static final int WARP = 32;
    /** The block size of one-dimensional launches. */
    static final int BLOCK = 256;

    LaunchGeometry {
        if (blockX < 1 || blockY < 1 || (long) blockX * blockY > MAX_THREADS) {
            throw new IllegalArgumentException("a block of " + blockX + " x " + blockY + " threads is outside 1.."
                    + MAX_THREADS);
        }
        if (gridX < 1 || gridY < 1 || gridY > MAX_GRID_Y) {
            throw new IllegalArgumentException("a grid of " + gridX + " x " + gridY + " blocks is outside the limits"
                    + " (x in 1..2^31-1, y in 1.." + MAX_GRID_Y + ")");
        }
        if (sharedBytes < 0 || sharedBytes > MAX_SHARED_BYTES) {
            throw new IllegalArgumentException(sharedBytes + " bytes of shared memory exceed " + MAX_SHARED_BYTES);
        }
    }

    /** One thread per item of {@code work}, in blocks of {@code block}; the last block may be partial. */
    static LaunchGeometry linear(long work, int block) {
        if (work < 1) {
            throw new IllegalArgumentException("a launch needs at least one item of work, not " + work);
        }
        long grid = (work + block - 1) / block;
        if (grid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(work + " items need " + grid + " blocks, more than a grid holds");
        }
        return new LaunchGeometry((int) grid, 1, block, 1, 0);
    }

    /** {@link #linear(long, int)} with blocks of {@value #BLOCK}. */
    static LaunchGeometry linear(long work) {
        return linear(work, BLOCK);
    }

    /** One warp per row, {@code block / 32} rows per block; {@code block} must be a multiple of 32. */
    static LaunchGeometry warpPerRow(int rows, int block) {
        if (block % WARP != 0) {
            throw new IllegalArgumentException("a block of " + block + " threads is not whole warps");
        }
        return linear((long) rows * WARP, block);
    }

    /**
     * One thread per column of a row-major {@code (rows, cols)} tensor and block row, columns along x in blocks of
     * {@value #BLOCK}, rows along y: at most {@value #MAX_GRID_Y} block rows, which the kernel strides over
     * ({@code r += gridDim.y}), so no thread divides an element index by the row length.
     */
    static LaunchGeometry columnsByRows(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a launch needs at least one row and column, not " + rows + " x " + cols);
        }
        return new LaunchGeometry((cols + BLOCK - 1) / BLOCK, Math.min(rows, MAX_GRID_Y), BLOCK, 1, 0);
    }

    /** One block of {@code block} threads per item. */
    static LaunchGeometry blockPerItem(int items, int block) {
        return new LaunchGeometry(items, 1, block, 1, 0);
    }

    /** Threads launched in all. */
    long threads() {
        return (long) gridX * gridY * blockX * blockY;
    }

    @Override
    public String toString() {
        return "grid " + gridX + "x" + gridY + ", block " + blockX + "x" + blockY
                + (sharedBytes == 0 ? "" : ", " + sharedBytes + " B shared");
    }
}
