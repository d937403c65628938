// Fused softmax + cross-entropy over the vocabulary with an output-logit multiplier (llm.c's
// fused_classifier, split into forward and backward as the port asks).

#define WAFER_CE_BLOCK 256
#define WAFER_NEG_FLT_MAX (-3.402823466e+38f)

// One block of WAFER_CE_BLOCK threads per row: p = softmax(scale * logits), loss = -ln p[target], the
// normaliser in double. probs may alias logits: every read of a row ends (barrier) before its first write.
extern "C" __global__ void crossentropy_forward(float* losses, float* probs, const float* logits,
                                                const int* targets, int n, int v, float scale) {
    __shared__ float smax[WAFER_CE_BLOCK];
    __shared__ double ssum[WAFER_CE_BLOCK];
    int r = blockIdx.x;
    int tid = threadIdx.x;
    if (r >= n) {
        return;
    }
    const float* x = logits + (long long)r * v;
    float m = WAFER_NEG_FLT_MAX;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        m = fmaxf(m, scale * x[j]);
    }
    smax[tid] = m;
    __syncthreads();
    for (int s = WAFER_CE_BLOCK / 2; s > 0; s >>= 1) {
        if (tid < s) {
            smax[tid] = fmaxf(smax[tid], smax[tid + s]);
        }
        __syncthreads();
    }
    m = smax[0];
    double sum = 0.0;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        sum += exp((double)(scale * x[j] - m));
    }
    ssum[tid] = sum;
    __syncthreads();
    for (int s = WAFER_CE_BLOCK / 2; s > 0; s >>= 1) {
        if (tid < s) {
            ssum[tid] += ssum[tid + s];
        }
        __syncthreads();
    }
    sum = ssum[0];
    double target = (double)(scale * x[targets[r]]);
    __syncthreads();
    if (tid == 0) {
        losses[r] = (float)(log(sum) - (target - m));
    }
    double inv = 1.0 / sum;
    float* p = probs + (long long)r * v;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        p[j] = (float)(exp((double)(scale * x[j] - m)) * inv);
    }
}

// dlogits = dloss * scale * (p - onehot(target)); one thread per element; dlogits may alias probs.
extern "C" __global__ void crossentropy_backward(float* dlogits, const float* probs, const int* targets, int n,
                                                 int v, float scale, float dloss) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g < (long long)n * v) {
        int r = (int)(g / v);
        int j = (int)(g - (long long)r * v);
        float ind = j == targets[r] ? 1.0f : 0.0f;
        dlogits[g] = dloss * scale * (probs[g] - ind);
    }
}

// The maximum of scale * x over the row x and the normaliser sum_j exp(scale * x_j - max), for the fast kernels: float
// exponentials (expf, within 2 ulp) summed in double, the maximum and the normaliser found in one pass over the row
// instead of two (online softmax: a thread's running sum is rescaled when its maximum grows; the block combines
// (max, sum) pairs). The baseline's double exp runs twice per logit on the device's double-precision units: at 823
// million logits a step (111M at seq 2048 x batch 8), arithmetic comparable to the row's passes through memory (an
// estimate). Called by every thread of a block of WAFER_CE_BLOCK, once per kernel.
struct CrossEntropyRow {
    float max;
    double sum;
};

__device__ CrossEntropyRow crossentropy_row_online(const float* x, int v, float scale) {
    __shared__ float smax[WAFER_CE_BLOCK];
    __shared__ double ssum[WAFER_CE_BLOCK];
    int tid = threadIdx.x;
    float m = WAFER_NEG_FLT_MAX;
    double sum = 0.0;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        float z = scale * x[j];
        if (z > m) {
            sum *= (double)expf(m - z);
            m = z;
        }
        sum += (double)expf(z - m);
    }
    smax[tid] = m;
    ssum[tid] = sum;
    __syncthreads();
    for (int s = WAFER_CE_BLOCK / 2; s > 0; s >>= 1) {
        if (tid < s) {
            float a = smax[tid];
            float b = smax[tid + s];
            float top = fmaxf(a, b);
            ssum[tid] = ssum[tid] * (double)expf(a - top) + ssum[tid + s] * (double)expf(b - top);
            smax[tid] = top;
        }
        __syncthreads();
    }
    CrossEntropyRow row;
    row.max = smax[0];
    row.sum = ssum[0];
    return row;
}

// crossentropy_row_online for row r, then its loss written by thread 0; returns when every thread has read the target
// logit, so the caller may overwrite the row.
__device__ CrossEntropyRow crossentropy_loss_online(float* losses, const float* x, int target, int r, int v,
                                                    float scale) {
    CrossEntropyRow row = crossentropy_row_online(x, v, scale);
    double t = (double)(scale * x[target]);
    __syncthreads(); // every thread has read the target logit before the caller overwrites it
    if (threadIdx.x == 0) {
        losses[r] = (float)(log(row.sum) - (t - row.max));
    }
    return row;
}

// The fast kernels' forward: what crossentropy_forward computes, through crossentropy_row_online, then one pass
// writing the probabilities (each rounded once: __fmul_rn, never contracted). probs may alias logits.
extern "C" __global__ void crossentropy_forward_online(float* losses, float* probs, const float* logits,
                                                       const int* targets, int n, int v, float scale) {
    int r = blockIdx.x;
    int tid = threadIdx.x;
    if (r >= n) {
        return;
    }
    const float* x = logits + (long long)r * v;
    CrossEntropyRow row = crossentropy_loss_online(losses, x, targets[r], r, v, scale);
    float inv = (float)(1.0 / row.sum);
    float* p = probs + (long long)r * v;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        p[j] = __fmul_rn(expf(scale * x[j] - row.max), inv);
    }
}

// crossentropy_forward_online and crossentropy_backward_rows in one kernel, for a training step that knows its loss
// weight: the loss, then dlogits = dloss * scale * (p - onehot(target)) with p computed in registers and never
// stored, one pass over the row fewer than the two kernels. p is rounded as the forward stores it, so dlogits has the
// two kernels' bits. dlogits may alias logits.
extern "C" __global__ void crossentropy_forward_backward_online(float* losses, float* dlogits, const float* logits,
                                                                const int* targets, int n, int v, float scale,
                                                                float dloss) {
    int r = blockIdx.x;
    int tid = threadIdx.x;
    if (r >= n) {
        return;
    }
    const float* x = logits + (long long)r * v;
    int target = targets[r];
    CrossEntropyRow row = crossentropy_loss_online(losses, x, target, r, v, scale);
    float inv = (float)(1.0 / row.sum);
    float factor = dloss * scale;
    float* d = dlogits + (long long)r * v;
    for (int j = tid; j < v; j += WAFER_CE_BLOCK) {
        float p = __fmul_rn(expf(scale * x[j] - row.max), inv);
        float ind = j == target ? 1.0f : 0.0f;
        d[j] = factor * (p - ind);
    }
}

// crossentropy_backward for the fast kernels: columns along x, rows along y with a grid stride (as add_bias_bf16),
// so no thread divides its element index by v (a 64-bit division per logit, 823 million a step at the 111M shape,
// seq 2048 x batch 8) and each thread reads its row's target once. dlogits may alias probs.
extern "C" __global__ void crossentropy_backward_rows(float* dlogits, const float* probs, const int* targets, int n,
                                                      int v, float scale, float dloss) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= v) {
        return;
    }
    float factor = dloss * scale;
    for (int r = blockIdx.y; r < n; r += gridDim.y) {
        long long at = (long long)r * v + j;
        float ind = j == targets[r] ? 1.0f : 0.0f;
        dlogits[at] = factor * (probs[at] - ind);
    }
}
