// A stand-in libcublas.so.12 for the stand-in driver (stand_in_cuda.cpp): the handful of cuBLAS functions Wafer
// binds, the four GEMMs computed on the host from their C arguments in cuBLAS's documented order (column-major,
// alpha and beta by host pointer, accumulated in double), every operand's extent checked against the allocation
// its pointer came from (wsim_bounds, exported by the stand-in driver this library links against).
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

extern "C" {

int cublasCreate_v2(void** handle) {
    *handle = reinterpret_cast<void*>(0x2);
    return SUCCESS;
}

int cublasDestroy_v2(void*) {
    return SUCCESS;
}

int cublasSetStream_v2(void*, void*) {
    return SUCCESS;
}

int cublasSetMathMode(void*, int) {
    return SUCCESS;
}

// The workspace Wafer gives the handle: the GEMMs below need none, but it must be a real allocation of the size given.
int cublasSetWorkspace_v2(void*, void* workspace, size_t bytes) {
    if (workspace == nullptr || bytes == 0) {
        std::fprintf(stderr, "stand-in cublasSetWorkspace: %zu bytes at %p\n", bytes, workspace);
        return INVALID_VALUE;
    }
    return SUCCESS;
}

int cublasGetVersion_v2(void*, int* version) {
    *version = 120804;
    return SUCCESS;
}

int cublasGetProperty(int type, int* value) {
    *value = type == 0 ? 12 : type == 1 ? 8 : 4;
    return SUCCESS;
}

int cublasSgemm_v2(void*, int ta, int tb, int m, int n, int k, const float* alpha, const float* a, int lda,
                   const float* b, int ldb, const float* beta, float* c, int ldc) {
    return gemm("cublasSgemm_v2", ta, tb, m, n, k, *alpha, a, R_32F, lda, 0, b, ldb, 0, *beta, c, ldc, 0, 1);
}

int cublasGemmEx(void*, int ta, int tb, int m, int n, int k, const void* alpha, const void* a, int a_type, int lda,
                 const void* b, int b_type, int ldb, const void* beta, void* c, int c_type, int ldc, int compute,
                 int) {
    if (!types("cublasGemmEx", a_type, b_type, c_type, compute)) {
        return INVALID_VALUE;
    }
    return gemm("cublasGemmEx", ta, tb, m, n, k, *static_cast<const float*>(alpha), a, a_type, lda, 0, b, ldb, 0,
                *static_cast<const float*>(beta), static_cast<float*>(c), ldc, 0, 1);
}

int cublasSgemmStridedBatched(void*, int ta, int tb, int m, int n, int k, const float* alpha, const float* a,
                              int lda, long long stride_a, const float* b, int ldb, long long stride_b,
                              const float* beta, float* c, int ldc, long long stride_c, int count) {
    return gemm("cublasSgemmStridedBatched", ta, tb, m, n, k, *alpha, a, R_32F, lda, stride_a, b, ldb, stride_b,
                *beta, c, ldc, stride_c, count);
}

int cublasGemmStridedBatchedEx(void*, int ta, int tb, int m, int n, int k, const void* alpha, const void* a,
                               int a_type, int lda, long long stride_a, const void* b, int b_type, int ldb,
                               long long stride_b, const void* beta, void* c, int c_type, int ldc,
                               long long stride_c, int count, int compute, int) {
    if (!types("cublasGemmStridedBatchedEx", a_type, b_type, c_type, compute)) {
        return INVALID_VALUE;
    }
    return gemm("cublasGemmStridedBatchedEx", ta, tb, m, n, k, *static_cast<const float*>(alpha), a, a_type, lda,
                stride_a, b, ldb, stride_b, *static_cast<const float*>(beta), static_cast<float*>(c), ldc, stride_c,
                count);
}

} // extern "C"
