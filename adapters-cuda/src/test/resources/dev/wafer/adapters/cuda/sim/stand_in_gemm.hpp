// The GEMM the stand-in cuBLAS and cuBLASLt (stand_in_cublas.cpp, stand_in_cublaslt.cpp) compute: column-major,
// from their C arguments in cuBLAS's documented order, accumulated in double, every operand's extent checked against
// the allocation its pointer came from (wsim_bounds, exported by the stand-in driver both libraries link against).
#pragma once
#include "cuda_sim.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {


constexpr int SUCCESS = 0;
constexpr int INVALID_VALUE = 7;
constexpr int EXECUTION_FAILED = 13;
constexpr int R_32F = 0;
constexpr int R_16F = 2;
constexpr int R_16BF = 14;
constexpr int COMPUTE_32F = 68;

int element_bytes(int type) {
    return type == R_32F ? 4 : 2;
}

float value(const void* base, long long i, int type) {
    if (type == R_32F) {
        return static_cast<const float*>(base)[i];
    }
    unsigned short bits = static_cast<const unsigned short*>(base)[i];
    if (type == R_16BF) {
        unsigned int wide = static_cast<unsigned int>(bits) << 16;
        float f;
        std::memcpy(&f, &wide, 4);
        return f;
    }
    return wsim_f16_to_f32(bits);
}

bool inside(const char* what, const char* operand, const void* start, long long bytes) {
    uintptr_t low = 0;
    uintptr_t high = 0;
    auto a = reinterpret_cast<uintptr_t>(start);
    if (!wsim_bounds(start, &low, &high) || a + bytes > high) {
        std::fprintf(stderr, "stand-in %s: %s at 0x%lx + %lld bytes is outside its allocation\n", what, operand,
                     static_cast<unsigned long>(a), bytes);
        return false;
    }
    return true;
}

int gemm(const char* what, int ta, int tb, int m, int n, int k, float alpha, const void* a, int type, int lda,
         long long stride_a, const void* b, int ldb, long long stride_b, float beta, float* c, int ldc,
         long long stride_c, int count) {
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1) || m < 0 || n < 0 || k < 0 || count < 1
        || lda < (ta ? k : m) || ldb < (tb ? n : k) || ldc < m) {
        std::fprintf(stderr, "stand-in %s: invalid arguments (op %d %d, m %d n %d k %d, ld %d %d %d)\n", what, ta,
                     tb, m, n, k, lda, ldb, ldc);
        return INVALID_VALUE;
    }
    int e = element_bytes(type);
    long long a_span = static_cast<long long>(e) * (static_cast<long long>(lda) * ((ta ? m : k) - 1) + (ta ? k : m));
    long long b_span = static_cast<long long>(e) * (static_cast<long long>(ldb) * ((tb ? k : n) - 1) + (tb ? n : k));
    long long c_span = 4LL * (static_cast<long long>(ldc) * (n - 1) + m);
    for (int i = 0; i < count; i++) {
        const char* ai = static_cast<const char*>(a) + e * stride_a * i;
        const char* bi = static_cast<const char*>(b) + e * stride_b * i;
        float* ci = c + stride_c * i;
        if (!inside(what, "A", ai, a_span) || !inside(what, "B", bi, b_span) || !inside(what, "C", ci, c_span)) {
            return EXECUTION_FAILED;
        }
        // op(A) as rows of k and op(B) as columns of k, so that each dot product reads two contiguous runs.
        std::vector<float> rows(static_cast<size_t>(m) * k);
        std::vector<float> cols(static_cast<size_t>(n) * k);
        for (int row = 0; row < m; row++) {
            for (int p = 0; p < k; p++) {
                rows[static_cast<size_t>(row) * k + p] = value(ai, ta ? p + static_cast<long long>(row) * lda
                                                                      : row + static_cast<long long>(p) * lda, type);
            }
        }
        for (int col = 0; col < n; col++) {
            for (int p = 0; p < k; p++) {
                cols[static_cast<size_t>(col) * k + p] = value(bi, tb ? col + static_cast<long long>(p) * ldb
                                                                      : p + static_cast<long long>(col) * ldb, type);
            }
        }
        for (int col = 0; col < n; col++) {
            const float* y = cols.data() + static_cast<size_t>(col) * k;
            for (int row = 0; row < m; row++) {
                const float* x = rows.data() + static_cast<size_t>(row) * k;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0; // four chains, for the pipeline
                int p = 0;
                for (; p + 4 <= k; p += 4) {
                    s0 += static_cast<double>(x[p]) * y[p];
                    s1 += static_cast<double>(x[p + 1]) * y[p + 1];
                    s2 += static_cast<double>(x[p + 2]) * y[p + 2];
                    s3 += static_cast<double>(x[p + 3]) * y[p + 3];
                }
                for (; p < k; p++) {
                    s0 += static_cast<double>(x[p]) * y[p];
                }
                double sum = (s0 + s1) + (s2 + s3);
                float* out = ci + row + static_cast<long long>(col) * ldc;
                double old = beta == 0.0f ? 0.0 : static_cast<double>(beta) * *out;
                *out = static_cast<float>(alpha * sum + old);
            }
        }
    }
    return SUCCESS;
}

bool types(const char* what, int a, int b, int c, int compute) {
    if (a != b || (a != R_32F && a != R_16F && a != R_16BF) || c != R_32F || compute != COMPUTE_32F) {
        std::fprintf(stderr, "stand-in %s: types A %d, B %d, C %d, compute %d are not simulated\n", what, a, b, c,
                     compute);
        return false;
    }
    return true;
}

} // namespace
