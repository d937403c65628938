// Operand rounding for mixed precision: a float32 value rounded to bfloat16 or IEEE binary16 and widened back,
// round to nearest, ties to even (OperandFormat.round in the ports). Format codes: 0 none, 1 bf16, 2 fp16.

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

// The bits of x rounded to bfloat16, as wafer_round(x, 1) rounds (nearest, ties to even); a NaN keeps its sign and
// becomes quiet. Kernels that store bf16 tensors directly (layernorm.cu, elementwise.cu, matmul.cu) hold identical
// copies; a test keeps them equal.
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

// out = round(in) element-wise; out may alias in.
extern "C" __global__ void round_operands(float* out, const float* in, int n, int format) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = wafer_round(in[i], format);
    }
}

// The 16-bit bits of round(x) in format 1 (bfloat16) or 2 (binary16), round to nearest even as wafer_round; a NaN
// stays a (quiet) NaN.
__device__ __forceinline__ unsigned short wafer_pack16(float x, int format) {
    if (format == 2) {
        unsigned short h;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(x));
        return h;
    }
    return wafer_bf16_bits(x);
}

// out = the 16-bit bits of round(in), for cuBLAS's 16-bit GEMMs (format 1: bfloat16, 2: binary16).
extern "C" __global__ void pack_operands(unsigned short* out, const float* in, int n, int format) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = wafer_pack16(in[i], format);
    }
}

// pack_operands for a row-major (rows, cols) matrix into rows of ld values, ld >= cols, the ld - cols values after
// each row zero (a GEMM's bounds exclude them; zeros, not stale bits, in case a kernel's tile loads them): with ld a
// multiple of 8 every row starts on a 16-byte boundary, as tensor-core GEMMs want their operands, which the LM head's
// 50,257 columns do not give. Columns along x (ld of them), rows along y with a grid stride.
extern "C" __global__ void pack_operands_rows(unsigned short* out, const float* in, int rows, int cols, int ld,
                                              int format) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= ld) {
        return;
    }
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        out[(long long)r * ld + j] = j < cols ? wafer_pack16(in[(long long)r * cols + j], format) : 0;
    }
}

// pack_operands_rows and matmul.cu's column_partial_sums in one pass over a linear layer's float32 output gradient,
// which its products read packed and its bias gradient reads summed: one thread per (column, chunk of
// rows_per_chunk rows), columns along x (ld of them; the padding written zero), chunks along y. partials[chunk, j]
// is column_partial_sums's, bit for bit: the same rows added in the same order.
extern "C" __global__ void pack_rows_column_sums(unsigned short* out, float* partials, const float* in, int rows,
                                                 int cols, int ld, int rows_per_chunk, int format) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= ld) {
        return;
    }
    int from = blockIdx.y * rows_per_chunk;
    int to = min(rows, from + rows_per_chunk);
    if (j >= cols) {
        for (int r = from; r < to; r++) {
            out[(long long)r * ld + j] = 0;
        }
        return;
    }
    float s = 0.0f;
    for (int r = from; r < to; r++) {
        float v = in[(long long)r * cols + j];
        out[(long long)r * ld + j] = wafer_pack16(v, format);
        s += v;
    }
    partials[(long long)blockIdx.y * cols + j] = s;
}

// out = the bfloat16 bits at in widened to float32 (exact): a float32 copy of a bf16 tensor for a product that takes
// float32 operands (the bf16 attention's Q and K under float32 score gradients).
extern "C" __global__ void widen_bf16(float* out, const unsigned short* in, int n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = __uint_as_float(((unsigned int)in[i]) << 16);
    }
}
