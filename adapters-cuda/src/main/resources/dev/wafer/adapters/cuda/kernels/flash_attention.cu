// Fused causal attention in the FlashAttention-2 style (Dao, 2023) for bf16 tensors: no T x T matrix is written.
// qkv (B, T, 3C) and out (B, T, C) are bf16 (2-byte) tensors; head h of width hs = C / NH reads Q at channel h*hs,
// K at C + h*hs and V at 2C + h*hs. The forward saves each row's log-sum-exp of its scaled scores, lse (B, NH, T),
// instead of the probabilities; the backward recomputes the probabilities from Q, K and lse.
//
// Every product runs on tensor cores (mma.sync m16n8k16, bf16 operands, float32 accumulation). A block of four warps
// takes 64 rows of one (b, h); each warp owns 16 of them. Scores, probabilities and score gradients stay in
// registers: the accumulator of S (16 x 8 per tile) is laid out as the A operand of the next product needs, so P and
// dS go from one mma to the next without shared memory (the FlashAttention-2 register reuse). The operands that
// other warps share (K and V in the forward, Q and dO in the key-side backward, K and V in the query-side backward)
// are staged in shared memory as 32-bit words of two bf16 values (one load per operand register), rows padded by
// 8 values so that a warp's operand loads hit 32 different banks; the transposed tiles are swizzled instead
// (fa_swizzled), so that their staging stores hit 32 banks too.
//
// The two sizes: _64 for heads of 16, 32, 48 or 64 channels, _128 for 80 to 128; hs must be a multiple of 16.
// Probabilities and score gradients are rounded to bf16 as operands, as the unfused bf16 attention rounds them.
// Deterministic: dQ and dK/dV come from separate kernels (no atomics), so a rerun gives the same bits.

#define FA_WARPS 4
#define FA_ROWS 64

// mma.sync fragments (PTX ISA, "Matrix Fragments for mma.m16n8k16"), lane = 4 * g + q:
//   A (16 x 16, row-major), four registers of two bf16 (lower half = lower column):
//     a0 = A[g][2q..2q+1], a1 = A[g+8][2q..2q+1], a2 = A[g][2q+8..2q+9], a3 = A[g+8][2q+8..2q+9];
//   B (16 x 8, k x n), two registers: b0 = B[2q..2q+1][g], b1 = B[2q+8..2q+9][g];
//   C, D (16 x 8, float32): d0, d1 = D[g][2q..2q+1], d2, d3 = D[g+8][2q..2q+1].
__device__ __forceinline__ void fa_mma(float& d0, float& d1, float& d2, float& d3, unsigned int a0, unsigned int a1,
                                       unsigned int a2, unsigned int a3, unsigned int b0, unsigned int b1) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
    __trap(); // bf16 mma needs compute capability 8.0; the file still compiles for older devices
#else
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
                 : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
#endif
}

// float32 to bf16 bits, round to nearest even; a NaN stays a (quiet) NaN (as pack_operands).
__device__ __forceinline__ unsigned int fa_bf16(float x) {
    unsigned int bits = __float_as_uint(x);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (bits >> 16) | 0x40u;
    }
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return bits >> 16;
}

__device__ __forceinline__ float fa_widen(unsigned short bits) {
    return __uint_as_float(((unsigned int)bits) << 16);
}

// Two bf16 values as one operand register, lo in the lower half.
__device__ __forceinline__ unsigned int fa_pair(unsigned short lo, unsigned short hi) {
    return (unsigned int)lo | ((unsigned int)hi << 16);
}

__device__ __forceinline__ unsigned int fa_pack(float lo, float hi) {
    return fa_bf16(lo) | (fa_bf16(hi) << 16);
}

// An A operand from rows r0 and r1 = r0 + 8 of a row-major matrix (row stride `stride`), channels e, e + 1 and
// e + 8, e + 9: bf16 values as stored, or float32 ones rounded to bf16 (fa_rows_rounded); rows from t on read as 0.
__device__ __forceinline__ void fa_rows(const unsigned short* x, long long stride, int r0, int r1, int t, int e,
                                        unsigned int& a0, unsigned int& a1, unsigned int& a2, unsigned int& a3) {
    a0 = r0 < t ? fa_pair(x[r0 * stride + e], x[r0 * stride + e + 1]) : 0u;
    a1 = r1 < t ? fa_pair(x[r1 * stride + e], x[r1 * stride + e + 1]) : 0u;
    a2 = r0 < t ? fa_pair(x[r0 * stride + e + 8], x[r0 * stride + e + 9]) : 0u;
    a3 = r1 < t ? fa_pair(x[r1 * stride + e + 8], x[r1 * stride + e + 9]) : 0u;
}

__device__ __forceinline__ void fa_rows_rounded(const float* y, long long stride, int r0, int r1, int t, int e,
                                                unsigned int& a0, unsigned int& a1, unsigned int& a2,
                                                unsigned int& a3) {
    a0 = r0 < t ? fa_pack(y[r0 * stride + e], y[r0 * stride + e + 1]) : 0u;
    a1 = r1 < t ? fa_pack(y[r1 * stride + e], y[r1 * stride + e + 1]) : 0u;
    a2 = r0 < t ? fa_pack(y[r0 * stride + e + 8], y[r0 * stride + e + 9]) : 0u;
    a3 = r1 < t ? fa_pack(y[r1 * stride + e + 8], y[r1 * stride + e + 9]) : 0u;
}

// Word `col` of row `row` in a transposed tile of W words per row (W = 32: pairs of 64 keys or queries; W = 16: of
// 32), its columns XOR-swizzled by bits of the row instead of the row padded. The rows are channels: a warp stages 32
// consecutive channels of one column, and an mma operand load reads channels 8n + g (g = lane / 4) of columns
// 8j + q and 8j + q + 4 (q = lane % 4). A padded row (W + 4 words) serves the loads from 32 banks but stores the 32
// channels into 8 banks, four each (4-way conflicts: KernelMemoryRequestsTest counts them on the simulator). Here the
// 5 low bits of the row (W = 32: bits 0-2 into the column's bits 2-4, bits 3-4 into its bits 0-1; W = 16: bit 0
// picks the half of the 32 banks, bits 1-2 and 3-4 go into the column's bits 2-3 and 0-1) make the stores' banks
// distinct, and for the loads the column's q and j with the row's g and n (fixed per load) make them distinct too.
template <int W>
__device__ __forceinline__ int fa_swizzled(int row, int col) {
    int sw = W == 32 ? ((row & 7) << 2) | ((row >> 3) & 3) : (((row >> 1) & 3) << 2) | ((row >> 3) & 3);
    return row * W + (col ^ sw);
}

__device__ __forceinline__ float fa_quad_max(float x) {
    x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 1));
    return fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 2));
}

__device__ __forceinline__ float fa_quad_sum(float x) {
    x += __shfl_xor_sync(0xffffffffu, x, 1);
    return x + __shfl_xor_sync(0xffffffffu, x, 2);
}

// exp on the special-function unit (ex2.approx after one multiply): a few ulps of float32, far below the bf16
// rounding every probability then gets, and several instructions fewer than expf for each score; exp(-inf) = 0.
__device__ __forceinline__ float fa_exp(float x) {
    return __expf(x);
}

__device__ __forceinline__ float fa_neg_inf() {
    return __uint_as_float(0xff800000u);
}

// Forward for queries [q0, q0 + 64) of (b, h) = (blockIdx.y / nh, blockIdx.y % nh): online softmax over key tiles
// of 64, out = P V / rowsum, lse = max + log(rowsum).
template <int HMAX>
__device__ __forceinline__ void fa_forward(unsigned short* out, float* lse, const unsigned short* qkv, int t, int c,
                                           int nh, float scale) {
    const int KW = (HMAX + 8) / 2;    // words per staged row of a head
    const int RW = FA_ROWS / 2;       // words per transposed row of 64 keys (swizzled, fa_swizzled)
    __shared__ unsigned int k_tile[FA_ROWS * KW];   // K[key][dim pair]
    __shared__ unsigned int vt_tile[HMAX * RW];     // V transposed: [dim][key pair]
    const int KSTEPS = HMAX / 16;
    const int NTILES = HMAX / 8;
    int hs = c / nh;
    int ks = hs / 16;
    int nts = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int q0 = blockIdx.x * FA_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    long long c3 = 3LL * c;
    const unsigned short* x = qkv + b * t * c3 + (long long)h * hs;
    int r0 = q0 + warp * 16 + g;
    int r1 = r0 + 8;
    int last_row = q0 + warp * 16 + 15; // the warp's last row: key tiles past it are masked for all its rows
    unsigned int qa[KSTEPS][4];
#pragma unroll
    for (int kk = 0; kk < KSTEPS; kk++) {
        if (kk < ks) {
            int e = kk * 16 + 2 * q;
            fa_rows(x, c3, r0, r1, t, e, qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3]);
        }
    }
    float o[NTILES][4];
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
    }
    float m0 = fa_neg_inf();
    float m1 = fa_neg_inf();
    float l0 = 0.0f; // this lane's share of the row sums; the quad's four lanes are summed at the end
    float l1 = 0.0f;
    int end = min(q0 + FA_ROWS, t);
    for (int k0 = 0; k0 < end; k0 += FA_ROWS) {
        __syncthreads(); // the previous tile is no longer read
        for (int i = threadIdx.x; i < FA_ROWS * hs / 2; i += blockDim.x) {
            int key = i / (hs / 2);
            int e = 2 * (i - key * (hs / 2));
            const unsigned short* k = x + (k0 + key) * c3 + c + e;
            k_tile[key * KW + e / 2] = k0 + key < t ? fa_pair(k[0], k[1]) : 0u;
        }
        for (int i = threadIdx.x; i < FA_ROWS / 2 * hs; i += blockDim.x) {
            int key = 2 * (i / hs); // consecutive threads read consecutive channels of one key
            int e = i - (key / 2) * hs;
            const unsigned short* v = x + (k0 + key) * c3 + 2 * c + e;
            vt_tile[fa_swizzled<RW>(e, key / 2)] = fa_pair(k0 + key < t ? v[0] : (unsigned short)0,
                                                           k0 + key + 1 < t ? v[c3] : (unsigned short)0);
        }
        __syncthreads();
        float s[8][4];
#pragma unroll
        for (int n = 0; n < 8; n++) {
            s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
            if (k0 + n * 8 <= last_row) {
#pragma unroll
                for (int kk = 0; kk < KSTEPS; kk++) {
                    if (kk < ks) {
                        int at = (n * 8 + g) * KW + kk * 8 + q;
                        fa_mma(s[n][0], s[n][1], s[n][2], s[n][3], qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3],
                               k_tile[at], k_tile[at + 4]);
                    }
                }
            }
        }
        float mx0 = fa_neg_inf();
        float mx1 = fa_neg_inf();
#pragma unroll
        for (int n = 0; n < 8; n++) {
            int key = k0 + n * 8 + 2 * q;
            s[n][0] = key <= r0 ? s[n][0] * scale : fa_neg_inf();
            s[n][1] = key + 1 <= r0 ? s[n][1] * scale : fa_neg_inf();
            s[n][2] = key <= r1 ? s[n][2] * scale : fa_neg_inf();
            s[n][3] = key + 1 <= r1 ? s[n][3] * scale : fa_neg_inf();
            mx0 = fmaxf(mx0, fmaxf(s[n][0], s[n][1]));
            mx1 = fmaxf(mx1, fmaxf(s[n][2], s[n][3]));
        }
        // Key 0 is in the first tile and below every row, so the running maxima are finite from then on.
        float n0 = fmaxf(m0, fa_quad_max(mx0));
        float n1 = fmaxf(m1, fa_quad_max(mx1));
        float alpha0 = fa_exp(m0 - n0);
        float alpha1 = fa_exp(m1 - n1);
        m0 = n0;
        m1 = n1;
        l0 *= alpha0;
        l1 *= alpha1;
#pragma unroll
        for (int n = 0; n < NTILES; n++) {
            o[n][0] *= alpha0;
            o[n][1] *= alpha0;
            o[n][2] *= alpha1;
            o[n][3] *= alpha1;
        }
#pragma unroll
        for (int n = 0; n < 8; n++) {
            s[n][0] = fa_exp(s[n][0] - m0);
            s[n][1] = fa_exp(s[n][1] - m0);
            s[n][2] = fa_exp(s[n][2] - m1);
            s[n][3] = fa_exp(s[n][3] - m1);
            l0 += s[n][0] + s[n][1];
            l1 += s[n][2] + s[n][3];
        }
        // O += P V over the tile's keys, 16 at a time: S tiles 2j and 2j + 1 are the A operand of step j.
#pragma unroll
        for (int j = 0; j < 4; j++) {
            if (k0 + j * 16 <= last_row) {
                unsigned int a0 = fa_pack(s[2 * j][0], s[2 * j][1]);
                unsigned int a1 = fa_pack(s[2 * j][2], s[2 * j][3]);
                unsigned int a2 = fa_pack(s[2 * j + 1][0], s[2 * j + 1][1]);
                unsigned int a3 = fa_pack(s[2 * j + 1][2], s[2 * j + 1][3]);
#pragma unroll
                for (int n = 0; n < NTILES; n++) {
                    if (n < nts) {
                        int row = n * 8 + g;
                        fa_mma(o[n][0], o[n][1], o[n][2], o[n][3], a0, a1, a2, a3,
                               vt_tile[fa_swizzled<RW>(row, j * 8 + q)], vt_tile[fa_swizzled<RW>(row, j * 8 + q + 4)]);
                    }
                }
            }
        }
    }
    l0 = fa_quad_sum(l0);
    l1 = fa_quad_sum(l1);
    float inv0 = 1.0f / l0;
    float inv1 = 1.0f / l1;
    unsigned short* y = out + b * t * c + (long long)h * hs;
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        if (n < nts) {
            int e = n * 8 + 2 * q;
            if (r0 < t) {
                y[r0 * (long long)c + e] = (unsigned short)fa_bf16(o[n][0] * inv0);
                y[r0 * (long long)c + e + 1] = (unsigned short)fa_bf16(o[n][1] * inv0);
            }
            if (r1 < t) {
                y[r1 * (long long)c + e] = (unsigned short)fa_bf16(o[n][2] * inv1);
                y[r1 * (long long)c + e + 1] = (unsigned short)fa_bf16(o[n][3] * inv1);
            }
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

extern "C" __global__ void flash_attention_forward_64(unsigned short* out, float* lse, const unsigned short* qkv,
                                                      int t, int c, int nh, float scale) {
    fa_forward<64>(out, lse, qkv, t, c, nh, scale);
}

extern "C" __global__ void flash_attention_forward_128(unsigned short* out, float* lse, const unsigned short* qkv,
                                                       int t, int c, int nh, float scale) {
    fa_forward<128>(out, lse, qkv, t, c, nh, scale);
}

// The backward's row terms: dsum[b, h, i] = sum over the head's channels of dout * out (= sum_j P[i][j] dP[i][j]).
// One warp per (b, h, i), rows = B * NH * T: lane l takes channels l, l + 32, ..., so a warp reads its row's
// contiguous channels (one thread per row read 32 rows a head apart per request: 8 to 11 times the sectors, counted
// on the simulator), then a butterfly of shuffles sums the lanes, in the same order for every row and run.
extern "C" __global__ void flash_attention_row_dots(float* dsum, const float* dout, const unsigned short* out,
                                                    int rows, int t, int c, int nh) {
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
        sum += (double)dout[at + e] * (double)fa_widen(out[at + e]);
    }
    for (int o = 16; o > 0; o >>= 1) {
        sum += __shfl_xor_sync(0xffffffffu, sum, o);
    }
    if (lane == 0) {
        dsum[r] = (float)sum;
    }
}

// dK and dV for keys [k0, k0 + 64) of (b, h): each warp owns 16 keys and walks the query tiles from k0 on (earlier
// queries see none of these keys). With S^T = K Q^T (16 keys x a tile of queries) in registers:
// P^T = exp(scale S^T - lse), dV += P^T dO, dP^T = V dO^T, dS^T = P^T (dP^T - dsum), dK += scale dS^T Q.
template <int HMAX>
__device__ __forceinline__ void fa_backward_keys(float* dqkv, const float* dout, const unsigned short* qkv,
                                                 const float* lse, const float* dsum, int t, int c, int nh,
                                                 float scale) {
    const int BQ = HMAX <= 64 ? 64 : 32; // queries per tile: four staged copies fit 48 KB of shared memory
    const int KW = (HMAX + 8) / 2; // words per staged row of a head
    const int QW = BQ / 2;         // words per transposed row of a query tile (swizzled, fa_swizzled)
    __shared__ unsigned int q_tile[BQ * KW];   // Q[query][dim pair]
    __shared__ unsigned int qt_tile[HMAX * QW]; // Q[dim][query pair]
    __shared__ unsigned int d_tile[BQ * KW];   // dO[query][dim pair], rounded to bf16
    __shared__ unsigned int dt_tile[HMAX * QW]; // dO[dim][query pair]
    __shared__ float lse_tile[BQ];
    __shared__ float dsum_tile[BQ];
    const int KSTEPS = HMAX / 16;
    const int NTILES = HMAX / 8;
    int hs = c / nh;
    int ks = hs / 16;
    int nts = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int k0 = blockIdx.x * FA_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    long long c3 = 3LL * c;
    const unsigned short* x = qkv + b * t * c3 + (long long)h * hs;
    const float* dy = dout + b * t * c + (long long)h * hs;
    int r0 = k0 + warp * 16 + g; // this lane's two keys
    int r1 = r0 + 8;
    int first_key = k0 + warp * 16;
    unsigned int ka[KSTEPS][4];
    unsigned int va[KSTEPS][4];
#pragma unroll
    for (int kk = 0; kk < KSTEPS; kk++) {
        if (kk < ks) {
            int e = kk * 16 + 2 * q;
            const unsigned short* k = x + c;
            const unsigned short* v = x + 2 * c;
            fa_rows(k, c3, r0, r1, t, e, ka[kk][0], ka[kk][1], ka[kk][2], ka[kk][3]);
            fa_rows(v, c3, r0, r1, t, e, va[kk][0], va[kk][1], va[kk][2], va[kk][3]);
        }
    }
    float dk[NTILES][4];
    float dv[NTILES][4];
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        dk[n][0] = dk[n][1] = dk[n][2] = dk[n][3] = 0.0f;
        dv[n][0] = dv[n][1] = dv[n][2] = dv[n][3] = 0.0f;
    }
    for (int i0 = k0; i0 < t; i0 += BQ) {
        __syncthreads();
        for (int i = threadIdx.x; i < BQ * hs / 2; i += blockDim.x) {
            int row = i / (hs / 2);
            int e = 2 * (i - row * (hs / 2));
            bool in = i0 + row < t;
            const unsigned short* qr = x + (i0 + row) * c3 + e;
            const float* dr = dy + (i0 + row) * (long long)c + e;
            q_tile[row * KW + e / 2] = in ? fa_pair(qr[0], qr[1]) : 0u;
            d_tile[row * KW + e / 2] = in ? fa_pack(dr[0], dr[1]) : 0u;
        }
        for (int i = threadIdx.x; i < BQ / 2 * hs; i += blockDim.x) {
            int row = 2 * (i / hs);
            int e = i - (row / 2) * hs;
            bool in0 = i0 + row < t;
            bool in1 = i0 + row + 1 < t;
            const unsigned short* qr = x + (i0 + row) * c3 + e;
            const float* dr = dy + (i0 + row) * (long long)c + e;
            qt_tile[fa_swizzled<QW>(e, row / 2)] = fa_pair(in0 ? qr[0] : (unsigned short)0,
                                                           in1 ? qr[c3] : (unsigned short)0);
            dt_tile[fa_swizzled<QW>(e, row / 2)] = fa_pack(in0 ? dr[0] : 0.0f, in1 ? dr[c] : 0.0f);
        }
        for (int i = threadIdx.x; i < BQ; i += blockDim.x) {
            bool in = i0 + i < t;
            lse_tile[i] = in ? lse[(long long)bh * t + i0 + i] : 0.0f;
            dsum_tile[i] = in ? dsum[(long long)bh * t + i0 + i] : 0.0f;
        }
        __syncthreads();
        if (i0 + BQ - 1 < first_key) {
            continue; // every query of the tile precedes this warp's keys (no barrier follows in this iteration)
        }
        float p[BQ / 8][4];
        float dp[BQ / 8][4];
#pragma unroll
        for (int n = 0; n < BQ / 8; n++) {
            p[n][0] = p[n][1] = p[n][2] = p[n][3] = 0.0f;
            dp[n][0] = dp[n][1] = dp[n][2] = dp[n][3] = 0.0f;
#pragma unroll
            for (int kk = 0; kk < KSTEPS; kk++) {
                if (kk < ks) {
                    int at = (n * 8 + g) * KW + kk * 8 + q;
                    fa_mma(p[n][0], p[n][1], p[n][2], p[n][3], ka[kk][0], ka[kk][1], ka[kk][2], ka[kk][3],
                           q_tile[at], q_tile[at + 4]);
                    fa_mma(dp[n][0], dp[n][1], dp[n][2], dp[n][3], va[kk][0], va[kk][1], va[kk][2], va[kk][3],
                           d_tile[at], d_tile[at + 4]);
                }
            }
            // Element (key, query): d0, d1 = (r0, i, i + 1), d2, d3 = (r1, i, i + 1) with i = i0 + 8n + 2q.
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int col = n * 8 + 2 * q + (e & 1);
                int query = i0 + col;
                int key = e < 2 ? r0 : r1;
                float pe = key <= query && query < t ? fa_exp(p[n][e] * scale - lse_tile[col]) : 0.0f;
                p[n][e] = pe;
                dp[n][e] = pe * (dp[n][e] - dsum_tile[col]);
            }
        }
        // dV += P^T dO and dK += dS^T Q over the tile's queries, 16 at a time.
#pragma unroll
        for (int j = 0; j < BQ / 16; j++) {
            unsigned int a0 = fa_pack(p[2 * j][0], p[2 * j][1]);
            unsigned int a1 = fa_pack(p[2 * j][2], p[2 * j][3]);
            unsigned int a2 = fa_pack(p[2 * j + 1][0], p[2 * j + 1][1]);
            unsigned int a3 = fa_pack(p[2 * j + 1][2], p[2 * j + 1][3]);
            unsigned int s0 = fa_pack(dp[2 * j][0], dp[2 * j][1]);
            unsigned int s1 = fa_pack(dp[2 * j][2], dp[2 * j][3]);
            unsigned int s2 = fa_pack(dp[2 * j + 1][0], dp[2 * j + 1][1]);
            unsigned int s3 = fa_pack(dp[2 * j + 1][2], dp[2 * j + 1][3]);
#pragma unroll
            for (int n = 0; n < NTILES; n++) {
                if (n < nts) {
                    int at = fa_swizzled<QW>(n * 8 + g, j * 8 + q);
                    int at4 = fa_swizzled<QW>(n * 8 + g, j * 8 + q + 4);
                    fa_mma(dv[n][0], dv[n][1], dv[n][2], dv[n][3], a0, a1, a2, a3, dt_tile[at], dt_tile[at4]);
                    fa_mma(dk[n][0], dk[n][1], dk[n][2], dk[n][3], s0, s1, s2, s3, qt_tile[at], qt_tile[at4]);
                }
            }
        }
    }
    float* d = dqkv + b * t * c3 + (long long)h * hs;
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        if (n < nts) {
            int e = n * 8 + 2 * q;
            if (r0 < t) {
                d[r0 * c3 + c + e] = scale * dk[n][0];
                d[r0 * c3 + c + e + 1] = scale * dk[n][1];
                d[r0 * c3 + 2 * c + e] = dv[n][0];
                d[r0 * c3 + 2 * c + e + 1] = dv[n][1];
            }
            if (r1 < t) {
                d[r1 * c3 + c + e] = scale * dk[n][2];
                d[r1 * c3 + c + e + 1] = scale * dk[n][3];
                d[r1 * c3 + 2 * c + e] = dv[n][2];
                d[r1 * c3 + 2 * c + e + 1] = dv[n][3];
            }
        }
    }
}

extern "C" __global__ void flash_attention_backward_keys_64(float* dqkv, const float* dout,
                                                            const unsigned short* qkv, const float* lse,
                                                            const float* dsum, int t, int c, int nh, float scale) {
    fa_backward_keys<64>(dqkv, dout, qkv, lse, dsum, t, c, nh, scale);
}

extern "C" __global__ void flash_attention_backward_keys_128(float* dqkv, const float* dout,
                                                             const unsigned short* qkv, const float* lse,
                                                             const float* dsum, int t, int c, int nh, float scale) {
    fa_backward_keys<128>(dqkv, dout, qkv, lse, dsum, t, c, nh, scale);
}

// dQ for queries [q0, q0 + 64) of (b, h): each warp owns 16 queries and walks the key tiles up to its last query.
// S = Q K^T, P = exp(scale S - lse), dP = dO V^T, dS = P (dP - dsum), dQ += scale dS K.
template <int HMAX>
__device__ __forceinline__ void fa_backward_queries(float* dqkv, const float* dout, const unsigned short* qkv,
                                                    const float* lse, const float* dsum, int t, int c, int nh,
                                                    float scale) {
    const int BK = HMAX <= 64 ? 64 : 32; // keys per tile: three staged copies fit 48 KB of shared memory
    const int KW = (HMAX + 8) / 2; // words per staged row of a head
    const int TW = BK / 2;         // words per transposed row of a key tile (swizzled, fa_swizzled)
    __shared__ unsigned int k_tile[BK * KW];    // K[key][dim pair]
    __shared__ unsigned int kt_tile[HMAX * TW]; // K[dim][key pair]
    __shared__ unsigned int v_tile[BK * KW];    // V[key][dim pair]
    const int KSTEPS = HMAX / 16;
    const int NTILES = HMAX / 8;
    int hs = c / nh;
    int ks = hs / 16;
    int nts = hs / 8;
    int bh = blockIdx.y;
    int h = bh % nh;
    long long b = bh / nh;
    int q0 = blockIdx.x * FA_ROWS;
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int g = lane >> 2;
    int q = lane & 3;
    long long c3 = 3LL * c;
    const unsigned short* x = qkv + b * t * c3 + (long long)h * hs;
    const float* dy = dout + b * t * c + (long long)h * hs;
    int r0 = q0 + warp * 16 + g;
    int r1 = r0 + 8;
    int last_row = q0 + warp * 16 + 15;
    unsigned int qa[KSTEPS][4];
    unsigned int da[KSTEPS][4];
#pragma unroll
    for (int kk = 0; kk < KSTEPS; kk++) {
        if (kk < ks) {
            int e = kk * 16 + 2 * q;
            fa_rows(x, c3, r0, r1, t, e, qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3]);
            fa_rows_rounded(dy, c, r0, r1, t, e, da[kk][0], da[kk][1], da[kk][2], da[kk][3]);
        }
    }
    float lse0 = r0 < t ? lse[(long long)bh * t + r0] : 0.0f;
    float lse1 = r1 < t ? lse[(long long)bh * t + r1] : 0.0f;
    float ds0 = r0 < t ? dsum[(long long)bh * t + r0] : 0.0f;
    float ds1 = r1 < t ? dsum[(long long)bh * t + r1] : 0.0f;
    float dq[NTILES][4];
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        dq[n][0] = dq[n][1] = dq[n][2] = dq[n][3] = 0.0f;
    }
    int end = min(q0 + FA_ROWS, t);
    for (int k0 = 0; k0 < end; k0 += BK) {
        __syncthreads();
        for (int i = threadIdx.x; i < BK * hs / 2; i += blockDim.x) {
            int key = i / (hs / 2);
            int e = 2 * (i - key * (hs / 2));
            bool in = k0 + key < t;
            const unsigned short* kr = x + (k0 + key) * c3 + c + e;
            k_tile[key * KW + e / 2] = in ? fa_pair(kr[0], kr[1]) : 0u;
            v_tile[key * KW + e / 2] = in ? fa_pair(kr[c], kr[c + 1]) : 0u;
        }
        for (int i = threadIdx.x; i < BK / 2 * hs; i += blockDim.x) {
            int key = 2 * (i / hs);
            int e = i - (key / 2) * hs;
            const unsigned short* kr = x + (k0 + key) * c3 + c + e;
            kt_tile[fa_swizzled<TW>(e, key / 2)] = fa_pair(k0 + key < t ? kr[0] : (unsigned short)0,
                                                           k0 + key + 1 < t ? kr[c3] : (unsigned short)0);
        }
        __syncthreads();
        if (k0 > last_row) {
            continue; // every key of the tile follows this warp's queries
        }
        float p[BK / 8][4];
        float dp[BK / 8][4];
#pragma unroll
        for (int n = 0; n < BK / 8; n++) {
            p[n][0] = p[n][1] = p[n][2] = p[n][3] = 0.0f;
            dp[n][0] = dp[n][1] = dp[n][2] = dp[n][3] = 0.0f;
            if (k0 + n * 8 <= last_row) {
#pragma unroll
                for (int kk = 0; kk < KSTEPS; kk++) {
                    if (kk < ks) {
                        int at = (n * 8 + g) * KW + kk * 8 + q;
                        fa_mma(p[n][0], p[n][1], p[n][2], p[n][3], qa[kk][0], qa[kk][1], qa[kk][2], qa[kk][3],
                               k_tile[at], k_tile[at + 4]);
                        fa_mma(dp[n][0], dp[n][1], dp[n][2], dp[n][3], da[kk][0], da[kk][1], da[kk][2], da[kk][3],
                               v_tile[at], v_tile[at + 4]);
                    }
                }
            }
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int key = k0 + n * 8 + 2 * q + (e & 1);
                int query = e < 2 ? r0 : r1;
                float pe = key <= query && query < t
                        ? fa_exp(p[n][e] * scale - (e < 2 ? lse0 : lse1)) : 0.0f;
                dp[n][e] = pe * (dp[n][e] - (e < 2 ? ds0 : ds1));
            }
        }
#pragma unroll
        for (int j = 0; j < BK / 16; j++) {
            if (k0 + j * 16 <= last_row) {
                unsigned int s0 = fa_pack(dp[2 * j][0], dp[2 * j][1]);
                unsigned int s1 = fa_pack(dp[2 * j][2], dp[2 * j][3]);
                unsigned int s2 = fa_pack(dp[2 * j + 1][0], dp[2 * j + 1][1]);
                unsigned int s3 = fa_pack(dp[2 * j + 1][2], dp[2 * j + 1][3]);
#pragma unroll
                for (int n = 0; n < NTILES; n++) {
                    if (n < nts) {
                        int row = n * 8 + g;
                        fa_mma(dq[n][0], dq[n][1], dq[n][2], dq[n][3], s0, s1, s2, s3,
                               kt_tile[fa_swizzled<TW>(row, j * 8 + q)], kt_tile[fa_swizzled<TW>(row, j * 8 + q + 4)]);
                    }
                }
            }
        }
    }
    float* d = dqkv + b * t * c3 + (long long)h * hs;
#pragma unroll
    for (int n = 0; n < NTILES; n++) {
        if (n < nts) {
            int e = n * 8 + 2 * q;
            if (r0 < t) {
                d[r0 * c3 + e] = scale * dq[n][0];
                d[r0 * c3 + e + 1] = scale * dq[n][1];
            }
            if (r1 < t) {
                d[r1 * c3 + e] = scale * dq[n][2];
                d[r1 * c3 + e + 1] = scale * dq[n][3];
            }
        }
    }
}

extern "C" __global__ void flash_attention_backward_queries_64(float* dqkv, const float* dout,
                                                               const unsigned short* qkv, const float* lse,
                                                               const float* dsum, int t, int c, int nh, float scale) {
    fa_backward_queries<64>(dqkv, dout, qkv, lse, dsum, t, c, nh, scale);
}

extern "C" __global__ void flash_attention_backward_queries_128(float* dqkv, const float* dout,
                                                                const unsigned short* qkv, const float* lse,
                                                                const float* dsum, int t, int c, int nh,
                                                                float scale) {
    fa_backward_queries<128>(dqkv, dout, qkv, lse, dsum, t, c, nh, scale);
}
