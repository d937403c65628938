// Sum of squares in double, deterministically: each block of the first pass sums its threads' strided shares in a
// fixed tree into one partial, then one block adds the partials, each thread a fixed share in order and the block's
// tree after. The grid's size depends on n alone (the host's choice, CudaReductions.blocks), so the result is the same
// on every device and whatever order blocks run in. The first pass has enough blocks to stream a large tensor at the
// device's bandwidth (up to 1,024; it had 4 until 2026-12-07, which left all but 4 SMs idle for the whole gradient).

#define WAFER_SUM_BLOCK 256

// The sum of the block's 256 values s: thread t adds t + step for step = 128, 64, ..., 1 (a fixed tree); every thread
// of the block calls it and gets the sum.
__device__ double wafer_block_sum(double s) {
    __shared__ double tree[WAFER_SUM_BLOCK];
    tree[threadIdx.x] = s;
    __syncthreads();
    for (int step = WAFER_SUM_BLOCK / 2; step > 0; step >>= 1) {
        if (threadIdx.x < step) {
            tree[threadIdx.x] += tree[threadIdx.x + step];
        }
        __syncthreads();
    }
    return tree[0];
}

// partials[b] = sum of x[i]^2 over the i block b takes: thread t of block b takes i = 256 b + t, then strides by the
// grid's threads (a warp reads 32 consecutive floats).
extern "C" __global__ void sum_of_squares_partials(double* partials, const float* x, int n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    double s = 0.0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double xi = x[i];
        s += xi * xi;
    }
    double block = wafer_block_sum(s);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = block;
    }
}

// total[0] = the sum of partials[0 .. count): thread t adds partials t, t + 256, ... in order, then the block's tree;
// launched as one block of 256 threads.
extern "C" __global__ void sum_of_squares_total(double* total, const double* partials, int count) {
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        s += partials[i];
    }
    double all = wafer_block_sum(s);
    if (threadIdx.x == 0) {
        total[0] = all;
    }
}
