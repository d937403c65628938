// The parts of the linear layer around cuBLAS's SGEMM: the bias and its gradient.

// out[r, j] += bias[j]; one thread per element of out (n rows, oc columns).
extern "C" __global__ void add_bias(float* out, const float* bias, int n, int oc) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g < (long long)n * oc) {
        out[g] += bias[g % oc];
    }
}

// The bits of x rounded to bfloat16 (nearest, ties to even; a NaN stays a quiet NaN): a copy of rounding.cu's.
// WAFER_BF16_BITS_BEGIN
__device__ __forceinline__ unsigned short wafer_bf16_bits(float x) {
    unsigned int bits = __float_as_uint(x);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (unsigned short)((bits >> 16) | 0x0040u);
    }
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (unsigned short)(bits >> 16);
}
// WAFER_BF16_BITS_END

// add_bias for the fast kernels: columns along x, rows along y with a grid stride, so no thread divides its element
// index by oc.
extern "C" __global__ void add_bias_rows(float* out, const float* bias, int n, int oc) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= oc) {
        return;
    }
    float b = bias[j];
    for (int r = blockIdx.y; r < n; r += gridDim.y) {
        out[(long long)r * oc + j] += b;
    }
}

// out[r, j] = bf16(y[r, j] + bias[j]): a bf16 linear layer's bias add and rounding in one pass (the fast kernels;
// add_bias and then the rounding would write and read the float32 sum once more). Columns along x, rows along y
// with a grid stride, so no thread divides by oc; each row's stores are contiguous across a warp.
extern "C" __global__ void add_bias_bf16(unsigned short* out, const float* y, const float* bias, int n, int oc) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= oc) {
        return;
    }
    float b = bias[j];
    for (int r = blockIdx.y; r < n; r += gridDim.y) {
        long long at = (long long)r * oc + j;
        out[at] = wafer_bf16_bits(y[at] + b);
    }
}

// The bias gradient in two deterministic passes, so that thousands of rows are summed by many threads:
// partials[chunk, j] = sum of dout[r, j] over the rows r of chunk (rows_per_chunk each, in order); one thread per
// (column, chunk), columns along x and chunks along y.
extern "C" __global__ void column_partial_sums(float* partials, const float* dout, int n, int oc,
                                               int rows_per_chunk) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int chunk = blockIdx.y;
    if (j < oc) {
        int from = chunk * rows_per_chunk;
        int to = min(n, from + rows_per_chunk);
        float s = 0.0f;
        for (int r = from; r < to; r++) {
            s += dout[(long long)r * oc + j];
        }
        partials[(long long)chunk * oc + j] = s;
    }
}

// dbias[j] += sum over chunks of partials[chunk, j]. A block of 16 x 16 threads takes 16 columns: thread (x, y) adds
// the chunks y, y + 16, ... of column x in order (a warp reads two rows of 16 consecutive columns), then thread (x, 0)
// adds the 16 sums in order. The order depends on chunks alone, not on scheduling; with one thread per column (until
// 2026-12-07) each thread added all 256 chunks of a 111M step in sequence on 3 to 12 blocks.
#define WAFER_SUM_COLUMNS 16
#define WAFER_SUM_GROUPS 16
extern "C" __global__ void column_sum_accumulate(float* dbias, const float* partials, int chunks, int oc) {
    __shared__ float groups[WAFER_SUM_GROUPS * WAFER_SUM_COLUMNS];
    int j = blockIdx.x * WAFER_SUM_COLUMNS + threadIdx.x;
    float s = 0.0f;
    if (j < oc) {
        for (int k = threadIdx.y; k < chunks; k += WAFER_SUM_GROUPS) {
            s += partials[(long long)k * oc + j];
        }
    }
    groups[threadIdx.y * WAFER_SUM_COLUMNS + threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && j < oc) {
        float total = 0.0f;
        for (int g = 0; g < WAFER_SUM_GROUPS; g++) {
            total += groups[g * WAFER_SUM_COLUMNS + threadIdx.x];
        }
        dbias[j] += total;
    }
}
