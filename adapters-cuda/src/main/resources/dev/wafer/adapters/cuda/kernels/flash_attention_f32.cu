// Fused causal attention for float32 tensors, in the FlashAttention-2 style of flash_attention.cu: no T x T matrix is
// written. qkv (B, T, 3C), out (B, T, C), dout and dqkv are float32; head h of width hs = C / NH (16, 32, 48 or 64)
// reads Q at channel h*hs, K at C + h*hs and V at 2C + h*hs. The forward saves each row's log-sum-exp of its scaled
// scores, lse (B, NH, T); the backward recomputes the probabilities from Q, K and lse.
//
// Every product runs on tensor cores as 3xTF32 (mma.sync m16n8k8, tf32 operands, float32 accumulation): each operand
// x is split into big = tf32(x) and small = tf32(x - big), and a b is taken as small(a) big(b) + big(a) small(b) +
// big(a) big(b). The dropped small x small term is below 2^-22 of the product, float32's own rounding, so the result
// is a float32 product's (what PyTorch's memory-efficient attention does for float32 on these GPUs), not a TF32 one:
// TF32's 10-bit products are never what a float32 run gets.
//
// A block of four warps takes 64 rows (queries in the forward and dQ, keys in dK/dV) of one (b, h); each warp owns 16.
// Scores, probabilities and score gradients stay in registers: the product that makes them orders its B columns
// (keys or queries) as 0, 4, 1, 5, 2, 6, 3, 7 within each 8, so lane (g, q) holds columns q and q + 4 of rows g and
// g + 8, which is the A operand of the next product as m16n8k8 lays it out; no shuffle, no shared memory between.
// Deterministic: dQ and dK/dV come from separate kernels (no atomics), as in flash_attention.cu.

#define FT_ROWS 64            // rows per block, 16 per warp
#define FT_H 64               // widest head
#define FT_ROW (FT_H + 4)     // floats per staged row of a head: rows 4 banks apart, so a fragment's 8 rows x 4
                              // columns hit 32 banks
#define FT_T 32               // queries (dK/dV) or keys (dQ) per staged tile of the backward

// Element `col` of row `row` in a transposed tile (rows are channels) of W floats per row (W = 64 or 32 keys or
// queries), its columns XOR-swizzled by the row's 5 low bits (bits 0-2 into the column's bits 2-4, bits 3-4 into its
// bits 0-1) instead of the row padded, as flash_attention.cu's fa_swizzled: a warp stages 32 consecutive channels of
// one column, and a B operand load reads channels 8d + g of columns 8n + q and 8n + q + 4; with padded rows
// (W + 4) the loads hit 32 banks but the stores' 32 channels only 8 (4-way conflicts, KernelMemoryRequestsTest);
// swizzled, both hit 32.
template <int W>
__device__ __forceinline__ int ft_swizzled(int row, int col) {
    return row * W + (col ^ (((row & 7) << 2) | ((row >> 3) & 3)));
}

// mma.sync m16n8k8 with tf32 operands (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), lane = 4 * g + q:
//   A (16 x 8): a0 = A[g][q], a1 = A[g+8][q], a2 = A[g][q+4], a3 = A[g+8][q+4];
//   B (8 x 8, k x n): b0 = B[q][g], b1 = B[q+4][g];
//   C, D (16 x 8, float32): d0, d1 = D[g][2q..2q+1], d2, d3 = D[g+8][2q..2q+1].
__device__ __forceinline__ void ft_mma1(float& d0, float& d1, float& d2, float& d3, unsigned int a0, unsigned int a1,
                                        unsigned int a2, unsigned int a3, unsigned int b0, unsigned int b1) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
    __trap(); // tf32 mma needs compute capability 8.0; the file still compiles for older devices
#else
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
                 : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
#endif
}

// x rounded to tf32 (10 explicit mantissa bits), to nearest with ties away from zero; the low 13 bits are zero.
// Volatile, so that the compiler converts where the code says: hoisting the split A operands out of the tile loops
// would hold both halves of every operand in registers for the whole kernel (239 to 255 registers and spills with
// NVRTC 11.8 for sm_90), where converting them again per tile costs a few instructions per product.
__device__ __forceinline__ unsigned int ft_tf32(float x) {
    unsigned int r = 0u;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
    __trap();
#else
    asm volatile("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
#endif
    return r;
}

// x = big + small (+ at most 2^-22 |x|), both tf32.
__device__ __forceinline__ void ft_split(float x, unsigned int& big, unsigned int& small) {
    big = ft_tf32(x);
    small = ft_tf32(x - __uint_as_float(big));
}

// An A operand split once and used for several products.
struct ft_a {
    unsigned int big[4];
    unsigned int small[4];
};

__device__ __forceinline__ void ft_split_a(float x0, float x1, float x2, float x3, ft_a& a) {
    ft_split(x0, a.big[0], a.small[0]);
    ft_split(x1, a.big[1], a.small[1]);
    ft_split(x2, a.big[2], a.small[2]);
    ft_split(x3, a.big[3], a.small[3]);
}

// d += A B in 3xTF32, B's two values y0 = B[q][g], y1 = B[q+4][g] split here. The small cross terms first, so they
// accumulate before the big product absorbs them (CUTLASS's order for its FastF32 GEMMs).
__device__ __forceinline__ void ft_mma(float (&d)[4], const ft_a& a, float y0, float y1) {
    unsigned int bb0;
    unsigned int bs0;
    unsigned int bb1;
    unsigned int bs1;
    ft_split(y0, bb0, bs0);
    ft_split(y1, bb1, bs1);
    ft_mma1(d[0], d[1], d[2], d[3], a.small[0], a.small[1], a.small[2], a.small[3], bb0, bb1);
    ft_mma1(d[0], d[1], d[2], d[3], a.big[0], a.big[1], a.big[2], a.big[3], bs0, bs1);
    ft_mma1(d[0], d[1], d[2], d[3], a.big[0], a.big[1], a.big[2], a.big[3], bb0, bb1);
}

// A product's accumulator (rows g, g + 8; columns q and q + 4 of 8, the column order of ft_perm) as the next
// product's A operand: a0 = [g][q], a1 = [g+8][q], a2 = [g][q+4], a3 = [g+8][q+4].
__device__ __forceinline__ void ft_split_acc(const float (&acc)[4], ft_a& a) {
    ft_split_a(acc[0], acc[2], acc[1], acc[3], a);
}

// Stores a 16 x 8 accumulator tile's lane share, rows r0 and r1 = r0 + 8 (those before t), columns e and e + 1 of a
// row-major matrix with row stride `stride`, the first row's values times f0 and the second's times f1.
__device__ __forceinline__ void ft_store(float* y, long long stride, int r0, int r1, int t, int e,
                                         const float (&acc)[4], float f0, float f1) {
    if (r0 < t) {
        y[r0 * stride + e] = acc[0] * f0;
        y[r0 * stride + e + 1] = acc[1] * f0;
    }
    if (r1 < t) {
        y[r1 * stride + e] = acc[2] * f1;
        y[r1 * stride + e + 1] = acc[3] * f1;
    }
}

// The B column that lane group g supplies holds row ft_perm(g) of the 8: 0, 4, 1, 5, 2, 6, 3, 7, so that the
// product's accumulator columns 2q and 2q + 1 are rows q and q + 4 (see the head of the file).
__device__ __forceinline__ int ft_perm(int g) {
    return (g >> 1) + (g & 1) * 4;
}

// A row fragment of a row-major float32 matrix: rows r0, r1 = r0 + 8, columns e and e + 4; rows from t on read as 0.
__device__ __forceinline__ void ft_rows(const float* x, long long stride, int r0, int r1, int t, int e,
                                        float (&a)[4]) {
    a[0] = r0 < t ? x[r0 * stride + e] : 0.0f;
    a[1] = r1 < t ? x[r1 * stride + e] : 0.0f;
    a[2] = r0 < t ? x[r0 * stride + e + 4] : 0.0f;
    a[3] = r1 < t ? x[r1 * stride + e + 4] : 0.0f;
}

__device__ __forceinline__ float ft_quad_max(float x) {
    x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 1));
    return fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 2));
}

__device__ __forceinline__ float ft_quad_sum(float x) {
    x += __shfl_xor_sync(0xffffffffu, x, 1);
    return x + __shfl_xor_sync(0xffffffffu, x, 2);
}

__device__ __forceinline__ float ft_neg_inf() {
    return __uint_as_float(0xff800000u);
}

// Forward for queries [q0, q0 + 64) of (b, h) = (blockIdx.y / nh, blockIdx.y % nh): online softmax over key tiles
// of 64, out = P V / rowsum, lse = max + log(rowsum).
extern "C" __global__ void flash_attention_f32_forward(float* out, float* lse, const float* qkv, int t, int c, int nh,
                                                       float scale) {
    __shared__ float k_tile[FT_ROWS * FT_ROW]; // K[key][dim]
    __shared__ float vt_tile[FT_H * FT_ROWS];  // V transposed: [dim][key], swizzled
    int hs = c / nh;
    int ks = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int q0 = blockIdx.x * FT_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    int pg = ft_perm(g);
    long long c3 = 3LL * c;
    const float* x = qkv + b * t * c3 + (long long)h * hs;
    int r0 = q0 + warp * 16 + g;
    int r1 = r0 + 8;
    int last_row = q0 + warp * 16 + 15; // the warp's last row: key chunks past it are masked for all its rows
    float qa[FT_H / 8][4];
#pragma unroll
    for (int kk = 0; kk < FT_H / 8; kk++) {
        if (kk < ks) {
            ft_rows(x, c3, r0, r1, t, kk * 8 + q, qa[kk]);
        }
    }
    float o[FT_H / 8][4];
#pragma unroll
    for (int n = 0; n < FT_H / 8; n++) {
        o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
    }
    float m0 = ft_neg_inf();
    float m1 = ft_neg_inf();
    float l0 = 0.0f; // this lane's share of the row sums; the quad's four lanes are summed at the end
    float l1 = 0.0f;
    int end = min(q0 + FT_ROWS, t);
    for (int k0 = 0; k0 < end; k0 += FT_ROWS) {
        __syncthreads(); // the previous tile is no longer read
        for (int i = threadIdx.x; i < FT_ROWS * hs; i += blockDim.x) {
            int key = i / hs; // consecutive threads read consecutive channels of one key
            int e = i - key * hs;
            bool in = k0 + key < t;
            const float* kr = x + (k0 + key) * c3 + c + e;
            k_tile[key * FT_ROW + e] = in ? kr[0] : 0.0f;
            vt_tile[ft_swizzled<FT_ROWS>(e, key)] = in ? kr[c] : 0.0f;
        }
        __syncthreads();
        float s[8][4];
#pragma unroll
        for (int n = 0; n < 8; n++) {
            s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
        }
#pragma unroll
        for (int kk = 0; kk < FT_H / 8; kk++) {
            if (kk < ks) {
                ft_a a;
                ft_split_a(qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3], a);
#pragma unroll
                for (int n = 0; n < 8; n++) {
                    if (k0 + n * 8 <= last_row) {
                        int at = (n * 8 + pg) * FT_ROW + kk * 8 + q;
                        ft_mma(s[n], a, k_tile[at], k_tile[at + 4]);
                    }
                }
            }
        }
        // s[n][0], s[n][1] = S[r0][key, key + 4], s[n][2], s[n][3] = S[r1][key, key + 4] with key = k0 + 8n + q.
        float mx0 = ft_neg_inf();
        float mx1 = ft_neg_inf();
#pragma unroll
        for (int n = 0; n < 8; n++) {
            int key = k0 + n * 8 + q;
            s[n][0] = key <= r0 ? s[n][0] * scale : ft_neg_inf();
            s[n][1] = key + 4 <= r0 ? s[n][1] * scale : ft_neg_inf();
            s[n][2] = key <= r1 ? s[n][2] * scale : ft_neg_inf();
            s[n][3] = key + 4 <= r1 ? s[n][3] * scale : ft_neg_inf();
            mx0 = fmaxf(mx0, fmaxf(s[n][0], s[n][1]));
            mx1 = fmaxf(mx1, fmaxf(s[n][2], s[n][3]));
        }
        // Key 0 is in the first tile and below every row, so the running maxima are finite from then on.
        float n0 = fmaxf(m0, ft_quad_max(mx0));
        float n1 = fmaxf(m1, ft_quad_max(mx1));
        float alpha0 = expf(m0 - n0);
        float alpha1 = expf(m1 - n1);
        m0 = n0;
        m1 = n1;
        l0 *= alpha0;
        l1 *= alpha1;
#pragma unroll
        for (int n = 0; n < FT_H / 8; n++) {
            o[n][0] *= alpha0;
            o[n][1] *= alpha0;
            o[n][2] *= alpha1;
            o[n][3] *= alpha1;
        }
#pragma unroll
        for (int n = 0; n < 8; n++) {
            s[n][0] = expf(s[n][0] - m0);
            s[n][1] = expf(s[n][1] - m0);
            s[n][2] = expf(s[n][2] - m1);
            s[n][3] = expf(s[n][3] - m1);
            l0 += s[n][0] + s[n][1];
            l1 += s[n][2] + s[n][3];
        }
        // O += P V over the tile's keys, 8 at a time: chunk n of P is the A operand as it stands.
#pragma unroll
        for (int n = 0; n < 8; n++) {
            if (k0 + n * 8 <= last_row) {
                ft_a a;
                ft_split_acc(s[n], a);
#pragma unroll
                for (int d = 0; d < FT_H / 8; d++) {
                    if (d < ks) {
                        ft_mma(o[d], a, vt_tile[ft_swizzled<FT_ROWS>(d * 8 + g, n * 8 + q)],
                               vt_tile[ft_swizzled<FT_ROWS>(d * 8 + g, n * 8 + q + 4)]);
                    }
                }
            }
        }
    }
    l0 = ft_quad_sum(l0);
    l1 = ft_quad_sum(l1);
    float inv0 = 1.0f / l0;
    float inv1 = 1.0f / l1;
    float* y = out + b * t * c + (long long)h * hs;
#pragma unroll
    for (int d = 0; d < FT_H / 8; d++) {
        if (d < ks) {
            ft_store(y, c, r0, r1, t, d * 8 + 2 * q, o[d], inv0, inv1);
        }
    }
    if (q == 0) {
        if (r0 < t) {
            lse[(long long)bh * t + r0] = m0 + logf(l0);
        }
        if (r1 < t) {
            lse[(long long)bh * t + r1] = m1 + logf(l1);
        }
    }
}

// The backward's row terms: dsum[b, h, i] = sum over the head's channels of dout * out (= sum_j P[i][j] dP[i][j]).
// One warp per (b, h, i), rows = B * NH * T, as flash_attention.cu's row dots: lanes over the row's contiguous
// channels, then a butterfly of shuffles.
extern "C" __global__ void flash_attention_f32_row_dots(float* dsum, const float* dout, const float* out, int rows,
                                                        int t, int c, int nh) {
    long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (r >= rows) {
        return; // the whole warp shares the row, so it leaves together
    }
    int hs = c / nh;
    int i = (int)(r % t);
    long long bh = r / t;
    int h = (int)(bh % nh);
    long long b = bh / nh;
    long long at = (b * t + i) * c + (long long)h * hs;
    double sum = 0.0; // exact products, rounded once at the end: D's rounding does not depend on the summation order
    for (int e = lane; e < hs; e += 32) {
        sum += (double)dout[at + e] * (double)out[at + e];
    }
    for (int o = 16; o > 0; o >>= 1) {
        sum += __shfl_xor_sync(0xffffffffu, sum, o);
    }
    if (lane == 0) {
        dsum[r] = (float)sum;
    }
}

// dK and dV for keys [k0, k0 + 64) of (b, h): each warp owns 16 keys and walks the query tiles of 32 from k0 on
// (earlier queries see none of these keys). With S^T = K Q^T (16 keys x 32 queries) in registers:
// P^T = exp(scale S^T - lse), dV += P^T dO, dP^T = V dO^T, dS^T = P^T (dP^T - dsum), dK += scale dS^T Q.
extern "C" __global__ void flash_attention_f32_backward_keys(float* dqkv, const float* dout, const float* qkv,
                                                             const float* lse, const float* dsum, int t, int c,
                                                             int nh, float scale) {
    __shared__ float q_tile[FT_T * FT_ROW];   // Q[query][dim]
    __shared__ float qt_tile[FT_H * FT_T];    // Q[dim][query], swizzled
    __shared__ float d_tile[FT_T * FT_ROW];   // dO[query][dim]
    __shared__ float dt_tile[FT_H * FT_T];    // dO[dim][query], swizzled
    __shared__ float lse_tile[FT_T];
    __shared__ float dsum_tile[FT_T];
    int hs = c / nh;
    int ks = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int k0 = blockIdx.x * FT_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    int pg = ft_perm(g);
    long long c3 = 3LL * c;
    const float* x = qkv + b * t * c3 + (long long)h * hs;
    const float* dy = dout + b * t * c + (long long)h * hs;
    int r0 = k0 + warp * 16 + g; // this lane's two keys
    int r1 = r0 + 8;
    int first_key = k0 + warp * 16;
    float ka[FT_H / 8][4];
    float va[FT_H / 8][4];
#pragma unroll
    for (int kk = 0; kk < FT_H / 8; kk++) {
        if (kk < ks) {
            ft_rows(x + c, c3, r0, r1, t, kk * 8 + q, ka[kk]);
            ft_rows(x + 2 * c, c3, r0, r1, t, kk * 8 + q, va[kk]);
        }
    }
    float dk[FT_H / 8][4];
    float dv[FT_H / 8][4];
#pragma unroll
    for (int d = 0; d < FT_H / 8; d++) {
        dk[d][0] = dk[d][1] = dk[d][2] = dk[d][3] = 0.0f;
        dv[d][0] = dv[d][1] = dv[d][2] = dv[d][3] = 0.0f;
    }
    for (int i0 = k0; i0 < t; i0 += FT_T) {
        __syncthreads();
        for (int i = threadIdx.x; i < FT_T * hs; i += blockDim.x) {
            int row = i / hs;
            int e = i - row * hs;
            bool in = i0 + row < t;
            float qv = in ? x[(i0 + row) * c3 + e] : 0.0f;
            float dv0 = in ? dy[(i0 + row) * (long long)c + e] : 0.0f;
            q_tile[row * FT_ROW + e] = qv;
            qt_tile[ft_swizzled<FT_T>(e, row)] = qv;
            d_tile[row * FT_ROW + e] = dv0;
            dt_tile[ft_swizzled<FT_T>(e, row)] = dv0;
        }
        for (int i = threadIdx.x; i < FT_T; i += blockDim.x) {
            bool in = i0 + i < t;
            lse_tile[i] = in ? lse[(long long)bh * t + i0 + i] : 0.0f;
            dsum_tile[i] = in ? dsum[(long long)bh * t + i0 + i] : 0.0f;
        }
        __syncthreads();
        if (i0 + FT_T - 1 < first_key) {
            continue; // every query of the tile precedes this warp's keys (no barrier follows in this iteration)
        }
        float p[FT_T / 8][4];
        float dp[FT_T / 8][4];
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
            p[n][0] = p[n][1] = p[n][2] = p[n][3] = 0.0f;
            dp[n][0] = dp[n][1] = dp[n][2] = dp[n][3] = 0.0f;
        }
#pragma unroll
        for (int kk = 0; kk < FT_H / 8; kk++) {
            if (kk < ks) {
                ft_a ak;
                ft_a av;
                ft_split_a(ka[kk][0], ka[kk][1], ka[kk][2], ka[kk][3], ak);
                ft_split_a(va[kk][0], va[kk][1], va[kk][2], va[kk][3], av);
#pragma unroll
                for (int n = 0; n < FT_T / 8; n++) {
                    int at = (n * 8 + pg) * FT_ROW + kk * 8 + q;
                    ft_mma(p[n], ak, q_tile[at], q_tile[at + 4]);
                    ft_mma(dp[n], av, d_tile[at], d_tile[at + 4]);
                }
            }
        }
        // Element (key, query): p[n][0], p[n][1] = (r0, i, i + 4), p[n][2], p[n][3] = (r1, i, i + 4), i = i0 + 8n + q.
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int col = n * 8 + q + ((e & 1) ? 4 : 0);
                int query = i0 + col;
                int key = e < 2 ? r0 : r1;
                float pe = key <= query && query < t ? expf(p[n][e] * scale - lse_tile[col]) : 0.0f;
                p[n][e] = pe;
                dp[n][e] = pe * (dp[n][e] - dsum_tile[col]);
            }
        }
        // dV += P^T dO and dK += dS^T Q over the tile's queries, 8 at a time.
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
            ft_a ap;
            ft_a as;
            ft_split_acc(p[n], ap);
            ft_split_acc(dp[n], as);
#pragma unroll
            for (int d = 0; d < FT_H / 8; d++) {
                if (d < ks) {
                    int at = ft_swizzled<FT_T>(d * 8 + g, n * 8 + q);
                    int at4 = ft_swizzled<FT_T>(d * 8 + g, n * 8 + q + 4);
                    ft_mma(dv[d], ap, dt_tile[at], dt_tile[at4]);
                    ft_mma(dk[d], as, qt_tile[at], qt_tile[at4]);
                }
            }
        }
    }
    float* dx = dqkv + b * t * c3 + (long long)h * hs;
#pragma unroll
    for (int d = 0; d < FT_H / 8; d++) {
        if (d < ks) {
            ft_store(dx + c, c3, r0, r1, t, d * 8 + 2 * q, dk[d], scale, scale);
            ft_store(dx + 2 * c, c3, r0, r1, t, d * 8 + 2 * q, dv[d], 1.0f, 1.0f);
        }
    }
}

// dQ for queries [q0, q0 + 64) of (b, h): each warp owns 16 queries and walks the key tiles of 32 up to its last query.
// S = Q K^T, P = exp(scale S - lse), dP = dO V^T, dS = P (dP - dsum), dQ += scale dS K.
extern "C" __global__ void flash_attention_f32_backward_queries(float* dqkv, const float* dout, const float* qkv,
                                                                const float* lse, const float* dsum, int t, int c,
                                                                int nh, float scale) {
    __shared__ float k_tile[FT_T * FT_ROW];   // K[key][dim]
    __shared__ float v_tile[FT_T * FT_ROW];   // V[key][dim]
    __shared__ float kt_tile[FT_H * FT_T];    // K[dim][key], swizzled
    int hs = c / nh;
    int ks = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int q0 = blockIdx.x * FT_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    int pg = ft_perm(g);
    long long c3 = 3LL * c;
    const float* x = qkv + b * t * c3 + (long long)h * hs;
    const float* dy = dout + b * t * c + (long long)h * hs;
    int r0 = q0 + warp * 16 + g;
    int r1 = r0 + 8;
    int last_row = q0 + warp * 16 + 15;
    float qa[FT_H / 8][4];
    float da[FT_H / 8][4];
#pragma unroll
    for (int kk = 0; kk < FT_H / 8; kk++) {
        if (kk < ks) {
            ft_rows(x, c3, r0, r1, t, kk * 8 + q, qa[kk]);
            ft_rows(dy, c, r0, r1, t, kk * 8 + q, da[kk]);
        }
    }
    float lse0 = r0 < t ? lse[(long long)bh * t + r0] : 0.0f;
    float lse1 = r1 < t ? lse[(long long)bh * t + r1] : 0.0f;
    float ds0 = r0 < t ? dsum[(long long)bh * t + r0] : 0.0f;
    float ds1 = r1 < t ? dsum[(long long)bh * t + r1] : 0.0f;
    float dq[FT_H / 8][4];
#pragma unroll
    for (int d = 0; d < FT_H / 8; d++) {
        dq[d][0] = dq[d][1] = dq[d][2] = dq[d][3] = 0.0f;
    }
    int end = min(q0 + FT_ROWS, t);
    for (int k0 = 0; k0 < end; k0 += FT_T) {
        __syncthreads();
        for (int i = threadIdx.x; i < FT_T * hs; i += blockDim.x) {
            int key = i / hs;
            int e = i - key * hs;
            bool in = k0 + key < t;
            const float* kr = x + (k0 + key) * c3 + c + e;
            float kv = in ? kr[0] : 0.0f;
            k_tile[key * FT_ROW + e] = kv;
            kt_tile[ft_swizzled<FT_T>(e, key)] = kv;
            v_tile[key * FT_ROW + e] = in ? kr[c] : 0.0f;
        }
        __syncthreads();
        if (k0 > last_row) {
            continue; // every key of the tile follows this warp's queries
        }
        float p[FT_T / 8][4];
        float dp[FT_T / 8][4];
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
            p[n][0] = p[n][1] = p[n][2] = p[n][3] = 0.0f;
            dp[n][0] = dp[n][1] = dp[n][2] = dp[n][3] = 0.0f;
        }
#pragma unroll
        for (int kk = 0; kk < FT_H / 8; kk++) {
            if (kk < ks) {
                ft_a aq;
                ft_a ad;
                ft_split_a(qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3], aq);
                ft_split_a(da[kk][0], da[kk][1], da[kk][2], da[kk][3], ad);
#pragma unroll
                for (int n = 0; n < FT_T / 8; n++) {
                    if (k0 + n * 8 <= last_row) {
                        int at = (n * 8 + pg) * FT_ROW + kk * 8 + q;
                        ft_mma(p[n], aq, k_tile[at], k_tile[at + 4]);
                        ft_mma(dp[n], ad, v_tile[at], v_tile[at + 4]);
                    }
                }
            }
        }
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int key = k0 + n * 8 + q + ((e & 1) ? 4 : 0);
                int query = e < 2 ? r0 : r1;
                float pe = key <= query && query < t ? expf(p[n][e] * scale - (e < 2 ? lse0 : lse1)) : 0.0f;
                dp[n][e] = pe * (dp[n][e] - (e < 2 ? ds0 : ds1));
            }
        }
#pragma unroll
        for (int n = 0; n < FT_T / 8; n++) {
            if (k0 + n * 8 <= last_row) {
                ft_a as;
                ft_split_acc(dp[n], as);
#pragma unroll
                for (int d = 0; d < FT_H / 8; d++) {
                    if (d < ks) {
                        ft_mma(dq[d], as, kt_tile[ft_swizzled<FT_T>(d * 8 + g, n * 8 + q)],
                               kt_tile[ft_swizzled<FT_T>(d * 8 + g, n * 8 + q + 4)]);
                    }
                }
            }
        }
    }
    float* dx = dqkv + b * t * c3 + (long long)h * hs;
#pragma unroll
    for (int d = 0; d < FT_H / 8; d++) {
        if (d < ks) {
            ft_store(dx, c3, r0, r1, t, d * 8 + 2 * q, dq[d], scale, scale);
        }
    }
}
