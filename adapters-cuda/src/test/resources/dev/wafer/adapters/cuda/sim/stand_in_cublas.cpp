// A stand-in libcublas.so.12 for the stand-in driver (stand_in_cuda.cpp): the handful of cuBLAS functions Wafer
// binds, the four GEMMs computed on the host from their C arguments in cuBLAS's documented order (column-major,
// alpha and beta by host pointer, accumulated in double) by stand_in_gemm.hpp, every operand's extent checked
// against the allocation its pointer came from.
#include "stand_in_gemm.hpp"

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
