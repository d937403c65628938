// LayerNorm over the last dimension (llm.c's layernorm_forward / layernorm_backward).
// The row kernels use one warp (32 threads) per row; blocks hold whole warps, so a warp's lanes agree on
// whether their row exists and the full-mask shuffles are safe.

__device__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

// out = (x - mean) * rstd * weight + bias; saves mean and rstd = 1/sqrt(var + eps) (population variance).
extern "C" __global__ void layernorm_forward(float* out, float* mean, float* rstd, const float* inp,
                                             const float* weight, const float* bias, int n, int c, float eps) {
    int row = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32);
    int lane = threadIdx.x % 32;
    if (row >= n) {
        return;
    }
    const float* x = inp + (long long)row * c;
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
    float s = 1.0f / sqrtf(var + eps);
    float* y = out + (long long)row * c;
    for (int i = lane; i < c; i += 32) {
        y[i] = (x[i] - m) * s * weight[i] + bias[i];
    }
    if (lane == 0) {
        mean[row] = m;
        rstd[row] = s;
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

// dweight[i] += sum over chunks of partials[0, chunk, i]; dbias[i] += sum of partials[1, chunk, i], in order.
extern "C" __global__ void layernorm_backward_params(float* dweight, float* dbias, const float* partials,
                                                     int chunks, int c) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < c) {
        float dw = 0.0f;
        float db = 0.0f;
        for (int k = 0; k < chunks; k++) {
            dw += partials[(long long)k * c + i];
            db += partials[((long long)chunks + k) * c + i];
        }
        dweight[i] += dw;
        dbias[i] += db;
    }
}
