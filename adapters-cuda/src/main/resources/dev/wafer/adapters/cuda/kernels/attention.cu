// Causal multi-head attention over a fused (B, T, 3C) QKV activation, Q then K then V, each split into NH heads of
// hs = C / NH channels. att is (B, NH, T, T) with zeros above the diagonal.

#define WAFER_NEG_FLT_MAX (-3.402823466e+38f)

// WAFER_ROUND_BEGIN (attention.cu holds an identical copy; a test keeps them equal)
__device__ __forceinline__ float wafer_round(float x, int format) {
    if (format == 1) {
        unsigned int bits = __float_as_uint(x);
        if ((bits & 0x7fffffffu) > 0x7f800000u) {
            return x; // NaN stays NaN
        }
        bits += 0x7fffu + ((bits >> 16) & 1u);
        return __uint_as_float(bits & 0xffff0000u);
    }
    if (format == 2) {
        unsigned short h;
        float r;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(x));
        asm("cvt.f32.f16 %0, %1;" : "=f"(r) : "h"(h));
        return r;
    }
    return x;
}
// WAFER_ROUND_END

// One thread per (b, h, i) row of att: scaled causal scores, softmax, zeros above the diagonal. rows = B*NH*T.
// Under mixed precision the probabilities are rounded to round_probs (a format code of wafer_round).
extern "C" __global__ void attention_softmax(float* att, const float* qkv, int rows, int t, int c, int nh,
                                             float scale, int round_probs) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= rows) {
        return;
    }
    int hs = c / nh;
    int i = (int)(g % t);
    long long bh = g / t;
    int h = (int)(bh % nh);
    long long b = bh / nh;
    long long c3 = 3LL * c;
    const float* q = qkv + (b * t + i) * c3 + (long long)h * hs;
    float* a = att + g * t;
    float max = WAFER_NEG_FLT_MAX;
    for (int j = 0; j <= i; j++) {
        const float* k = qkv + (b * t + j) * c3 + c + (long long)h * hs;
        float dot = 0.0f;
        for (int e = 0; e < hs; e++) {
            dot += q[e] * k[e];
        }
        float s = scale * dot;
        a[j] = s;
        max = fmaxf(max, s);
    }
    float sum = 0.0f;
    for (int j = 0; j <= i; j++) {
        float ex = expf(a[j] - max);
        a[j] = ex;
        sum += ex;
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < t; j++) {
        a[j] = j <= i ? wafer_round(a[j] * inv, round_probs) : 0.0f;
    }
}

// out[b, i, h*hs + e] = sum over j <= i of att[b, h, i, j] * v[b, j, h*hs + e]; one thread per element of out.
extern "C" __global__ void attention_values(float* out, const float* att, const float* qkv, int b, int t, int c,
                                            int nh) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= (long long)b * t * c) {
        return;
    }
    int hs = c / nh;
    int ch = (int)(g % c);
    long long bi = g / c;
    int i = (int)(bi % t);
    long long bb = bi / t;
    int h = ch / hs;
    const float* a = att + ((bb * nh + h) * t + i) * t;
    const float* v = qkv + bb * t * 3LL * c + 2LL * c + ch;
    float acc = 0.0f;
    for (int j = 0; j <= i; j++) {
        acc += a[j] * v[(long long)j * 3 * c];
    }
    out[g] = acc;
}

// One thread per (b, h, i) row: dpre[i, j] = scale * att[i, j] * (datt[i, j] - sum_j' att[i, j'] datt[i, j'])
// with datt[i, j] = dout[i] . v[j]; entries above the diagonal are 0. dpre is (B, NH, T, T) scratch. Under mixed
// precision dpre is rounded to round_scores (0 keeps float32 score gradients).
extern "C" __global__ void attention_score_gradient(float* dpre, const float* dout, const float* qkv,
                                                    const float* att, int rows, int t, int c, int nh,
                                                    float scale, int round_scores) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= rows) {
        return;
    }
    int hs = c / nh;
    int i = (int)(g % t);
    long long bh = g / t;
    int h = (int)(bh % nh);
    long long b = bh / nh;
    long long c3 = 3LL * c;
    const float* dy = dout + (b * t + i) * c + (long long)h * hs;
    const float* a = att + g * t;
    float* d = dpre + g * t;
    float dot = 0.0f;
    for (int j = 0; j <= i; j++) {
        const float* v = qkv + (b * t + j) * c3 + 2LL * c + (long long)h * hs;
        float datt = 0.0f;
        for (int e = 0; e < hs; e++) {
            datt += dy[e] * v[e];
        }
        d[j] = datt;
        dot += a[j] * datt;
    }
    for (int j = 0; j < t; j++) {
        d[j] = j <= i ? wafer_round(scale * a[j] * (d[j] - dot), round_scores) : 0.0f;
    }
}

// One thread per element of dqkv (B, T, 3C), written (not accumulated):
// dq[r] = sum_{j<=r} dpre[r, j] k[j]; dk[r] = sum_{i>=r} dpre[i, r] q[i]; dv[r] = sum_{i>=r} att[i, r] dout[i].
extern "C" __global__ void attention_qkv_gradient(float* dqkv, const float* dout, const float* qkv,
                                                  const float* att, const float* dpre, int b, int t, int c,
                                                  int nh) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long c3 = 3LL * c;
    if (g >= (long long)b * t * c3) {
        return;
    }
    int hs = c / nh;
    int col = (int)(g % c3);
    long long br = g / c3;
    int r = (int)(br % t);
    long long bb = br / t;
    int part = col / c;
    int ch = col - part * c;
    int h = ch / hs;
    long long tt = (long long)t * t;
    const float* rows = dpre + (bb * nh + h) * tt;
    const float* atts = att + (bb * nh + h) * tt;
    const float* base = qkv + bb * t * c3;
    float acc = 0.0f;
    if (part == 0) {
        for (int j = 0; j <= r; j++) {
            acc += rows[(long long)r * t + j] * base[j * c3 + c + ch];
        }
    } else if (part == 1) {
        for (int i = r; i < t; i++) {
            acc += rows[(long long)i * t + r] * base[i * c3 + ch];
        }
    } else {
        for (int i = r; i < t; i++) {
            acc += atts[(long long)i * t + r] * dout[(bb * t + i) * c + ch];
        }
    }
    dqkv[g] = acc;
}

// One decoding step: the query of position pos (the Q third of qkv, 3C floats) against cached keys and values of
// positions 0..pos (rows of (maxT, C) caches, row pos already written). One thread per output channel; each
// recomputes its head's scores, which is cheap at one position.
extern "C" __global__ void attention_cached(float* out, const float* qkv, const float* kcache, const float* vcache,
                                            int pos, int c, int nh, float scale) {
    int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) {
        return;
    }
    int hs = c / nh;
    int h = ch / hs;
    const float* q = qkv + (long long)h * hs;
    float max = WAFER_NEG_FLT_MAX;
    for (int j = 0; j <= pos; j++) {
        const float* k = kcache + (long long)j * c + (long long)h * hs;
        float dot = 0.0f;
        for (int e = 0; e < hs; e++) {
            dot += q[e] * k[e];
        }
        max = fmaxf(max, scale * dot);
    }
    double sum = 0.0;
    for (int j = 0; j <= pos; j++) {
        const float* k = kcache + (long long)j * c + (long long)h * hs;
        float dot = 0.0f;
        for (int e = 0; e < hs; e++) {
            dot += q[e] * k[e];
        }
        sum += (double)expf(scale * dot - max);
    }
    float inv = (float)(1.0 / sum);
    float acc = 0.0f;
    for (int j = 0; j <= pos; j++) {
        const float* k = kcache + (long long)j * c + (long long)h * hs;
        float dot = 0.0f;
        for (int e = 0; e < hs; e++) {
            dot += q[e] * k[e];
        }
        float p = expf(scale * dot - max) * inv;
        acc += p * vcache[(long long)j * c + ch];
    }
    out[ch] = acc;
}

// Attention after a prefix (scoring's continuation passes): one warp per (row r, new position i, head h). Row r's
// keys are its prefix's rows of prefix (from prefixes[r], prefixes[b + r] of them) and then its own new positions
// 0..i of qkv. Each score is a dot product over the head's channels split across the lanes (coalesced loads) and
// summed by a butterfly, so every lane holds it; float32 scores, exp summed in double; each lane then accumulates
// the values of its own channels, 128 channels (4 per lane) per sweep over the keys.
__device__ __forceinline__ float prefix_attention_score(const float* q, const float* k, int hs, int lane) {
    float dot = 0.0f;
    for (int e = lane; e < hs; e += 32) {
        dot += q[e] * k[e];
    }
    for (int o = 16; o > 0; o >>= 1) {
        dot += __shfl_xor_sync(0xffffffffu, dot, o);
    }
    return dot;
}

// One warp's attention of query q (every lane holds the scores, prefix_attention_score) against keys in two runs:
// key j < n1 at k1 + j * s1 with its value at v1 + j * s1, key j >= n1 at k2 + (j - n1) * s2 and v2 likewise.
// Float32 scores, exp summed in double; each lane accumulates the values of its own channels, 128 channels (4 per
// lane) per sweep over the keys, into o.
__device__ __forceinline__ void warp_attend(float* o, const float* q, const float* k1, const float* v1, long long s1,
                                            int n1, const float* k2, const float* v2, long long s2, int keys, int hs,
                                            int lane, float scale) {
    float max = WAFER_NEG_FLT_MAX;
    for (int j = 0; j < keys; j++) {
        const float* k = j < n1 ? k1 + (long long)j * s1 : k2 + (long long)(j - n1) * s2;
        max = fmaxf(max, scale * prefix_attention_score(q, k, hs, lane));
    }
    double sum = 0.0;
    for (int j = 0; j < keys; j++) {
        const float* k = j < n1 ? k1 + (long long)j * s1 : k2 + (long long)(j - n1) * s2;
        sum += (double)expf(scale * prefix_attention_score(q, k, hs, lane) - max);
    }
    float inv = (float)(1.0 / sum);
    for (int base = 0; base < hs; base += 128) {
        float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int j = 0; j < keys; j++) {
            const float* k = j < n1 ? k1 + (long long)j * s1 : k2 + (long long)(j - n1) * s2;
            const float* v = j < n1 ? v1 + (long long)j * s1 : v2 + (long long)(j - n1) * s2;
            float p = expf(scale * prefix_attention_score(q, k, hs, lane) - max) * inv;
            for (int m = 0; m < 4; m++) {
                int e = base + lane + 32 * m;
                if (e < hs) {
                    acc[m] += p * v[e];
                }
            }
        }
        for (int m = 0; m < 4; m++) {
            int e = base + lane + 32 * m;
            if (e < hs) {
                o[e] = acc[m];
            }
        }
    }
}

extern "C" __global__ void attention_after_prefix(float* out, const float* qkv, const float* prefix,
                                                  const int* prefixes, int b, int t, int c, int nh, float scale) {
    long long w = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (w >= (long long)b * t * nh) {
        return; // the whole warp: its lanes share w
    }
    int h = (int)(w % nh);
    long long row = w / nh; // r * t + i
    int r = (int)(row / t);
    int i = (int)(row % t);
    int hs = c / nh;
    long long c3 = 3LL * c;
    const float* q = qkv + row * c3 + (long long)h * hs;
    const float* pk = prefix + (long long)prefixes[r] * c3 + c + (long long)h * hs;
    const float* ok = qkv + (long long)r * t * c3 + c + (long long)h * hs;
    int np = prefixes[b + r];
    // The value of key j lies c channels after its key.
    warp_attend(out + row * c + (long long)h * hs, q, pk, pk + c, c3, np, ok, ok + c, c3, np + i + 1, hs, lane,
                scale);
}

// A pass of k new positions of b sequences (qkv rows position-major: row j * b + i) against (b, max_t, C) caches:
// first their keys and values go into the caches' rows pos..pos+k-1, one thread per (row, channel)...
extern "C" __global__ void cache_write_positions(float* kcache, float* vcache, const float* qkv, int b, int max_t,
                                                 int pos, int k, int c) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= (long long)k * b * c) {
        return;
    }
    int ch = (int)(g % c);
    long long row = g / c; // j * b + i
    int i = (int)(row % b);
    int j = (int)(row / b);
    long long at = ((long long)i * max_t + pos + j) * c + ch;
    kcache[at] = qkv[row * 3LL * c + c + ch];
    vcache[at] = qkv[row * 3LL * c + 2LL * c + ch];
}

// ...then one warp per (row, head) attends to its sequence's cached keys 0..pos+j, with the arithmetic of
// attention_after_prefix: scores split across the lanes and summed by a butterfly, exp summed in double, each lane
// accumulating the values of its own channels.
extern "C" __global__ void attention_cached_positions(float* out, const float* qkv, const float* kcache,
                                                      const float* vcache, int b, int max_t, int pos, int k, int c,
                                                      int nh, float scale) {
    long long w = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (w >= (long long)k * b * nh) {
        return; // the whole warp: its lanes share w
    }
    int h = (int)(w % nh);
    long long row = w / nh; // j * b + i
    int i = (int)(row % b);
    int j = (int)(row / b);
    int hs = c / nh;
    const float* q = qkv + row * 3LL * c + (long long)h * hs;
    const float* kc = kcache + (long long)i * max_t * c + (long long)h * hs;
    const float* vc = vcache + (long long)i * max_t * c + (long long)h * hs;
    int keys = pos + j + 1;
    warp_attend(out + row * c + (long long)h * hs, q, kc, vc, c, keys, kc, vc, c, keys, hs, lane, scale);
}

// The fast path (FastCudaAttention): the products run as strided-batched cuBLAS GEMMs and these kernels do the
// row-wise work with one warp per (b, h, i) row, so a row's loads and stores are coalesced. Each is one template
// body: the entries differ in how the probabilities are stored (float32, or bfloat16 bits with BF16_STORAGE) and in
// where the result goes (in place in float32, or as 16-bit operands for the tensor-core products that read it).

// A stored probability as float32: float32 as stored, bfloat16 bits widened exactly.
__device__ __forceinline__ float wafer_widen(float x) {
    return x;
}

__device__ __forceinline__ float wafer_widen(unsigned short bits) {
    return __uint_as_float(((unsigned int)bits) << 16);
}

// The 16-bit bits of a value already rounded to format (1 bfloat16, 2 binary16), so the conversion is exact; a NaN
// stays a quiet NaN with its sign, as pack_operands keeps it.
__device__ __forceinline__ unsigned short wafer_bits16(float rounded, int format) {
    if (format == 2) {
        unsigned short h;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(rounded));
        return h;
    }
    unsigned int bits = __float_as_uint(rounded);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (unsigned short)((bits >> 16) | 0x0040u);
    }
    return (unsigned short)(bits >> 16);
}

// Stores a result already rounded to format: a float32 as it is, or its 16-bit bits.
__device__ __forceinline__ void wafer_store(float* out, int j, float value, int format) {
    out[j] = value;
}

__device__ __forceinline__ void wafer_store(unsigned short* out, int j, float value, int format) {
    out[j] = wafer_bits16(value, format);
}

// scores holds scale * q.k for (i, j <= i) (above the diagonal the GEMM may have left anything); out gets the causal
// softmax over j <= i rounded to round_probs, zeros above the diagonal. out may be scores itself (each lane reads an
// element before writing it). The exponentials are computed twice rather than stored: the same values, no write.
template <typename Out>
__device__ void softmax_row(Out out, const float* scores, int rows, int t, int round_probs) {
    long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return; // the whole warp shares the row, so it leaves together
    }
    int i = (int)(row % t);
    const float* a = scores + row * (long long)t;
    Out p = out + row * (long long)t;
    float max = WAFER_NEG_FLT_MAX;
    for (int j = lane; j <= i; j += 32) {
        max = fmaxf(max, a[j]);
    }
    for (int o = 16; o > 0; o >>= 1) {
        max = fmaxf(max, __shfl_xor_sync(0xffffffffu, max, o));
    }
    float sum = 0.0f;
    for (int j = lane; j <= i; j += 32) {
        sum += expf(a[j] - max);
    }
    for (int o = 16; o > 0; o >>= 1) {
        sum += __shfl_xor_sync(0xffffffffu, sum, o);
    }
    float inv = 1.0f / sum;
    for (int j = lane; j < t; j += 32) {
        wafer_store(p, j, j <= i ? wafer_round(expf(a[j] - max) * inv, round_probs) : 0.0f, round_probs);
    }
}

// In place in float32 (rows = B*NH*T).
extern "C" __global__ void attention_softmax_rows(float* att, int rows, int t, int round_probs) {
    softmax_row(att, att, rows, t, round_probs);
}

// Into bfloat16 probabilities (BF16_STORAGE) from float32 scores in scratch.
extern "C" __global__ void attention_softmax_rows_bf16(unsigned short* att, const float* scores, int rows, int t) {
    softmax_row(att, scores, rows, t, 1);
}

// dpre holds datt = dout . v for (i, j <= i) (from the GEMM); ds gets the score gradient
// round(scale * att * (datt - sum_{j<=i} att * datt)) for j <= i, zeros above the diagonal. ds may be dpre itself.
// Att points to float32 or bfloat16 probabilities.
template <typename Out, typename Att>
__device__ void softmax_backward_row(Out ds, const float* dpre, Att att, int rows, int t, float scale,
                                     int round_scores) {
    long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return;
    }
    int i = (int)(row % t);
    const float* d = dpre + row * (long long)t;
    Att a = att + row * (long long)t;
    Out out = ds + row * (long long)t;
    float dot = 0.0f;
    for (int j = lane; j <= i; j += 32) {
        dot += wafer_widen(a[j]) * d[j];
    }
    for (int o = 16; o > 0; o >>= 1) {
        dot += __shfl_xor_sync(0xffffffffu, dot, o);
    }
    for (int j = lane; j < t; j += 32) {
        wafer_store(out, j, j <= i ? wafer_round(scale * wafer_widen(a[j]) * (d[j] - dot), round_scores) : 0.0f,
                    round_scores);
    }
}

// In place in float32, float32 probabilities.
extern "C" __global__ void attention_softmax_backward_rows(float* dpre, const float* att, int rows, int t,
                                                           float scale, int round_scores) {
    softmax_backward_row(dpre, dpre, att, rows, t, scale, round_scores);
}

// In place in float32, bfloat16 probabilities (BF16_STORAGE).
extern "C" __global__ void attention_softmax_backward_rows_bf16(float* dpre, const unsigned short* att, int rows,
                                                                int t, float scale, int round_scores) {
    softmax_backward_row(dpre, dpre, att, rows, t, scale, round_scores);
}

// As 16-bit operands of format (1 bfloat16, 2 binary16) for the dQ and dK products, float32 probabilities.
extern "C" __global__ void attention_softmax_backward_rows_packed(unsigned short* ds, const float* dpre,
                                                                  const float* att, int rows, int t, float scale,
                                                                  int format) {
    softmax_backward_row(ds, dpre, att, rows, t, scale, format);
}

// As 16-bit operands, bfloat16 probabilities.
extern "C" __global__ void attention_softmax_backward_rows_packed_bf16(unsigned short* ds, const float* dpre,
                                                                       const unsigned short* att, int rows, int t,
                                                                       float scale, int format) {
    softmax_backward_row(ds, dpre, att, rows, t, scale, format);
}
