// LayerNorm over the last dimension (llm.c's layernorm_forward / layernorm_backward).
// The row kernels use one warp (32 threads) per row; blocks hold whole warps, so a warp's lanes agree on
// whether their row exists and the full-mask shuffles are safe.

__device__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

// The mean and rstd = 1/sqrt(var + eps) (population variance) of the row x, for the 32 lanes of its warp.
struct LayerNormStats {
    float mean;
    float rstd;
};

__device__ LayerNormStats layernorm_stats(const float* x, int c, int lane, float eps) {
    float sum = 0.0f;
    for (int i = lane; i < c; i += 32) {
        sum += x[i];
    }
    float m = warp_sum(sum) / c;
    float var = 0.0f;
    for (int i = lane; i < c; i += 32) {
        float d = x[i] - m;
        var += d * d;
    }
    var = warp_sum(var) / c;
    LayerNormStats stats;
    stats.mean = m;
    stats.rstd = 1.0f / sqrtf(var + eps);
    return stats;
}

// out = (x - mean) * rstd * weight + bias; saves mean and rstd.
extern "C" __global__ void layernorm_forward(float* out, float* mean, float* rstd, const float* inp,
                                             const float* weight, const float* bias, int n, int c, float eps) {
    int row = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32);
    int lane = threadIdx.x % 32;
    if (row >= n) {
        return;
    }
    const float* x = inp + (long long)row * c;
    LayerNormStats st = layernorm_stats(x, c, lane, eps);
    float* y = out + (long long)row * c;
    for (int i = lane; i < c; i += 32) {
        y[i] = (x[i] - st.mean) * st.rstd * weight[i] + bias[i];
    }
    if (lane == 0) {
        mean[row] = st.mean;
        rstd[row] = st.rstd;
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

// layernorm_forward with a bf16 output tensor written directly (the fast kernels): each value is the float result
// rounded, as the bf16 storage capability asks, without a float32 copy written, read back and rounded.
extern "C" __global__ void layernorm_forward_bf16(unsigned short* out, float* mean, float* rstd, const float* inp,
                                                  const float* weight, const float* bias, int n, int c, float eps) {
    int row = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32);
    int lane = threadIdx.x % 32;
    if (row >= n) {
        return;
    }
    const float* x = inp + (long long)row * c;
    LayerNormStats st = layernorm_stats(x, c, lane, eps);
    unsigned short* y = out + (long long)row * c;
    for (int i = lane; i < c; i += 32) {
        y[i] = wafer_bf16_bits((x[i] - st.mean) * st.rstd * weight[i] + bias[i]);
    }
    if (lane == 0) {
        mean[row] = st.mean;
        rstd[row] = st.rstd;
    }
}

// dinp = (dnorm - mean(dnorm) - norm * mean(dnorm * norm)) * rstd with dnorm = weight * dout; one warp per row.
extern "C" __global__ void layernorm_backward_input(float* dinp, const float* dout, const float* inp,
                                                    const float* weight, const float* mean, const float* rstd,
                                                    int n, int c) {
    int row = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32);
    int lane = threadIdx.x % 32;
    if (row >= n) {
        return;
    }
    const float* x = inp + (long long)row * c;
    const float* dy = dout + (long long)row * c;
    float m = mean[row];
    float s = rstd[row];
    float dnormMean = 0.0f;
    float dnormNormMean = 0.0f;
    for (int i = lane; i < c; i += 32) {
        float norm = (x[i] - m) * s;
        float dnorm = weight[i] * dy[i];
        dnormMean += dnorm;
        dnormNormMean += dnorm * norm;
    }
    dnormMean = warp_sum(dnormMean) / c;
    dnormNormMean = warp_sum(dnormNormMean) / c;
    float* dx = dinp + (long long)row * c;
    for (int i = lane; i < c; i += 32) {
        float norm = (x[i] - m) * s;
        float dnorm = weight[i] * dy[i];
        dx[i] = (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
}

// The parameter gradients in two deterministic passes (as the bias gradient in matmul.cu): partials[0, chunk, i] =
// sum of norm * dout and partials[1, chunk, i] = sum of dout over the rows of chunk; one thread per (channel,
// chunk), channels along x and chunks along y. partials holds 2 * chunks * c floats.
extern "C" __global__ void layernorm_param_partials(float* partials, const float* dout, const float* inp,
                                                    const float* mean, const float* rstd, int n, int c,
                                                    int rows_per_chunk, int chunks) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int chunk = blockIdx.y;
    if (i < c) {
        int from = chunk * rows_per_chunk;
        int to = min(n, from + rows_per_chunk);
        float dw = 0.0f;
        float db = 0.0f;
        for (int r = from; r < to; r++) {
            long long at = (long long)r * c + i;
            float dy = dout[at];
            float norm = (inp[at] - mean[r]) * rstd[r];
            dw += norm * dy;
            db += dy;
        }
        partials[(long long)chunk * c + i] = dw;
        partials[((long long)chunks + chunk) * c + i] = db;
    }
}

// dweight[i] += sum over chunks of partials[0, chunk, i]; dbias[i] += sum of partials[1, chunk, i]: a block of 16 x 16
// threads per 16 channels, thread (x, y) adding the chunks y, y + 16, ... in order and thread (x, 0) the 16 sums in
// order, as matmul.cu's column_sum_accumulate.
#define WAFER_LN_COLUMNS 16
#define WAFER_LN_GROUPS 16
extern "C" __global__ void layernorm_backward_params(float* dweight, float* dbias, const float* partials,
                                                     int chunks, int c) {
    __shared__ float dw_groups[WAFER_LN_GROUPS * WAFER_LN_COLUMNS];
    __shared__ float db_groups[WAFER_LN_GROUPS * WAFER_LN_COLUMNS];
    int i = blockIdx.x * WAFER_LN_COLUMNS + threadIdx.x;
    float dw = 0.0f;
    float db = 0.0f;
    if (i < c) {
        for (int k = threadIdx.y; k < chunks; k += WAFER_LN_GROUPS) {
            dw += partials[(long long)k * c + i];
            db += partials[((long long)chunks + k) * c + i];
        }
    }
    dw_groups[threadIdx.y * WAFER_LN_COLUMNS + threadIdx.x] = dw;
    db_groups[threadIdx.y * WAFER_LN_COLUMNS + threadIdx.x] = db;
    __syncthreads();
    if (threadIdx.y == 0 && i < c) {
        float w = 0.0f;
        float b = 0.0f;
        for (int g = 0; g < WAFER_LN_GROUPS; g++) {
            w += dw_groups[g * WAFER_LN_COLUMNS + threadIdx.x];
            b += db_groups[g * WAFER_LN_COLUMNS + threadIdx.x];
        }
        dweight[i] += w;
        dbias[i] += b;
    }
}
