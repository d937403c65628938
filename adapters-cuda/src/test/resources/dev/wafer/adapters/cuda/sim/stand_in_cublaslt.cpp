// A stand-in libcublasLt.so.12 for the stand-in driver (stand_in_cuda.cpp): the cuBLASLt functions Wafer binds for
// the bias epilogue. Descriptors, layouts and preferences keep what was set on them; the heuristic checks the problem
// (types, shapes, leading dimensions, the attributes Wafer sets) and returns one algorithm; cublasLtMatmul computes the
// product with the stand-in cuBLAS's GEMM (stand_in_gemm.hpp) and adds the bias in float32, as the epilogue does.
// The heuristic takes the bias's alignment from the bias pointer it is shown, NULL as fully aligned (256 bytes here),
// as cublasLt.h says of CUBLASLT_MATMUL_DESC_BIAS_POINTER; the algorithm it returns holds that alignment, and
// cublasLtMatmul fails with a bias less aligned than that (on a GPU the kernel would fault on a misaligned address).
// With WAFER_STAND_IN_LT_NO_ALGORITHM set, the heuristic finds no algorithm (CUBLAS_STATUS_NOT_SUPPORTED), so that a
// test can drive the backend's fallback through the real bindings.
#include "stand_in_gemm.hpp"

#include <cstdlib>

namespace {

constexpr int NOT_SUPPORTED = 15;
constexpr int COMPUTE_32F_FAST_TF32 = 77;
constexpr int EPILOGUE_DEFAULT = 1;
constexpr int EPILOGUE_BIAS = 4;
constexpr unsigned long long ALGO_TOKEN = 0x57414645524c5431ULL; // "WAFERLT1"

struct Desc {
    int compute;
    int transa = 0;
    int transb = 0;
    unsigned epilogue = EPILOGUE_DEFAULT;
    const float* bias = nullptr;
};

struct Layout {
    int type;
    unsigned long long rows;
    unsigned long long cols;
    long long ld;
};

struct Preference {
    unsigned long long workspace = 0;
    unsigned alignment[4] = {256, 256, 256, 256};
};

struct HeuristicResult {
    unsigned long long algo[8];
    size_t workspace;
    int state;
    float waves;
    int reserved[4];
};
static_assert(sizeof(HeuristicResult) == 96, "cublasLtMatmulHeuristicResult_t is 96 bytes");

// The largest power of two up to 256 that divides the address; 256 for NULL, which cuBLASLt reads as fully aligned.
unsigned long long alignment(const void* pointer) {
    unsigned long long value = reinterpret_cast<uintptr_t>(pointer);
    unsigned long long lowest = value & (~value + 1);
    return value == 0 || lowest > 256 ? 256 : lowest;
}

int fail(const char* what, const char* why) {
    std::fprintf(stderr, "stand-in %s: %s\n", what, why);
    return INVALID_VALUE;
}

// The product's m, n, k from the layouts, as cuBLASLt reads them: D is m x n, op(A) m x k, op(B) k x n.
bool dimensions(const Desc* d, const Layout* a, const Layout* b, const Layout* c, const Layout* dl, int* m, int* n,
                int* k) {
    *m = static_cast<int>(dl->rows);
    *n = static_cast<int>(dl->cols);
    *k = static_cast<int>(d->transa ? a->rows : a->cols);
    unsigned long long a_rows = d->transa ? a->cols : a->rows;
    unsigned long long b_rows = d->transb ? b->cols : b->rows;
    unsigned long long b_cols = d->transb ? b->rows : b->cols;
    return a_rows == dl->rows && b_rows == static_cast<unsigned long long>(*k) && b_cols == dl->cols
           && c->rows == dl->rows && c->cols == dl->cols && c->ld == dl->ld && c->type == dl->type;
}

} // namespace

extern "C" {

int cublasLtCreate(void** handle) {
    *handle = reinterpret_cast<void*>(0x3);
    return SUCCESS;
}

int cublasLtDestroy(void*) {
    return SUCCESS;
}

int cublasLtMatmulDescCreate(Desc** desc, int compute, int scale) {
    if ((compute != COMPUTE_32F && compute != COMPUTE_32F_FAST_TF32) || scale != R_32F) {
        return fail("cublasLtMatmulDescCreate", "only float32 compute and scale are simulated");
    }
    *desc = new Desc{compute};
    return SUCCESS;
}

int cublasLtMatmulDescDestroy(Desc* desc) {
    delete desc;
    return SUCCESS;
}

int cublasLtMatmulDescSetAttribute(Desc* desc, int attribute, const void* value, size_t bytes) {
    switch (attribute) {
    case 3: // CUBLASLT_MATMUL_DESC_TRANSA, int32
    case 4: // CUBLASLT_MATMUL_DESC_TRANSB
        if (bytes != 4) {
            return fail("cublasLtMatmulDescSetAttribute", "a transpose takes 4 bytes");
        }
        (attribute == 3 ? desc->transa : desc->transb) = *static_cast<const int*>(value);
        return SUCCESS;
    case 7: // CUBLASLT_MATMUL_DESC_EPILOGUE, uint32
        if (bytes != 4) {
            return fail("cublasLtMatmulDescSetAttribute", "the epilogue takes 4 bytes");
        }
        desc->epilogue = *static_cast<const unsigned*>(value);
        return SUCCESS;
    case 8: // CUBLASLT_MATMUL_DESC_BIAS_POINTER, a device pointer
        if (bytes != 8) {
            return fail("cublasLtMatmulDescSetAttribute", "the bias pointer takes 8 bytes");
        }
        std::memcpy(&desc->bias, value, 8);
        return SUCCESS;
    default:
        std::fprintf(stderr, "stand-in cublasLtMatmulDescSetAttribute: attribute %d is not simulated\n", attribute);
        return INVALID_VALUE;
    }
}

int cublasLtMatrixLayoutCreate(Layout** layout, int type, unsigned long long rows, unsigned long long cols,
                               long long ld) {
    if (rows == 0 || cols == 0 || ld < static_cast<long long>(rows)) {
        return fail("cublasLtMatrixLayoutCreate", "the leading dimension is below the rows");
    }
    *layout = new Layout{type, rows, cols, ld};
    return SUCCESS;
}

int cublasLtMatrixLayoutDestroy(Layout* layout) {
    delete layout;
    return SUCCESS;
}

int cublasLtMatmulPreferenceCreate(Preference** preference) {
    *preference = new Preference();
    return SUCCESS;
}

int cublasLtMatmulPreferenceDestroy(Preference* preference) {
    delete preference;
    return SUCCESS;
}

int cublasLtMatmulPreferenceSetAttribute(Preference* preference, int attribute, const void* value, size_t bytes) {
    if (attribute == 1 && bytes == 8) { // CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, uint64
        preference->workspace = *static_cast<const unsigned long long*>(value);
        return SUCCESS;
    }
    if (attribute >= 5 && attribute <= 8 && bytes == 4) { // CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_{A,B,C,D}_BYTES
        unsigned alignment = *static_cast<const unsigned*>(value);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > 256) {
            return fail("cublasLtMatmulPreferenceSetAttribute", "an alignment must be a power of two up to 256");
        }
        preference->alignment[attribute - 5] = alignment;
        return SUCCESS;
    }
    std::fprintf(stderr, "stand-in cublasLtMatmulPreferenceSetAttribute: attribute %d of %zu bytes is not simulated\n",
                 attribute, bytes);
    return INVALID_VALUE;
}

int cublasLtMatmulAlgoGetHeuristic(void*, Desc* desc, Layout* a, Layout* b, Layout* c, Layout* d,
                                   Preference* preference, int requested, HeuristicResult* results, int* returned) {
    *returned = 0;
    int m, n, k;
    if (requested < 1 || a->type != b->type || (a->type != R_32F && a->type != R_16F && a->type != R_16BF)
        || d->type != R_32F || !dimensions(desc, a, b, c, d, &m, &n, &k)
        || (desc->transa != 0 && desc->transa != 1) || (desc->transb != 0 && desc->transb != 1)) {
        return fail("cublasLtMatmulAlgoGetHeuristic", "types, transposes or layouts do not make a product");
    }
    if (desc->epilogue != EPILOGUE_DEFAULT && desc->epilogue != EPILOGUE_BIAS) {
        return fail("cublasLtMatmulAlgoGetHeuristic", "only the default and bias epilogues are simulated");
    }
    if (desc->compute == COMPUTE_32F_FAST_TF32 && a->type != R_32F) {
        return fail("cublasLtMatmulAlgoGetHeuristic", "TF32 compute is for float32 operands");
    }
    if (preference->workspace == 0) {
        return fail("cublasLtMatmulAlgoGetHeuristic", "Wafer gives its workspace; none was set");
    }
    if (std::getenv("WAFER_STAND_IN_LT_NO_ALGORITHM") != nullptr) {
        return NOT_SUPPORTED;
    }
    std::memset(results, 0, sizeof(HeuristicResult));
    results[0].algo[0] = ALGO_TOKEN;
    results[0].algo[1] = alignment(desc->bias); // the bias alignment the algorithm assumes
    results[0].waves = 1.0f;
    *returned = 1;
    return SUCCESS;
}

int cublasLtMatmul(void*, Desc* desc, const float* alpha, const void* a, Layout* al, const void* b, Layout* bl,
                   const float* beta, const void* c, Layout* cl, void* d, Layout* dl, const HeuristicResult* algo,
                   void* workspace, size_t workspace_bytes, void*) {
    int m, n, k;
    if (algo == nullptr || algo->algo[0] != ALGO_TOKEN) {
        return fail("cublasLtMatmul", "the algorithm is not one the heuristic returned");
    }
    if (!dimensions(desc, al, bl, cl, dl, &m, &n, &k) || c != d || *beta != 0.0f) {
        return fail("cublasLtMatmul", "only D = op(A) op(B) (+ bias) in place of C with beta 0 is simulated");
    }
    if (workspace_bytes > 0 && !inside("cublasLtMatmul", "workspace", workspace,
                                       static_cast<long long>(workspace_bytes))) {
        return EXECUTION_FAILED;
    }
    int status = gemm("cublasLtMatmul", desc->transa, desc->transb, m, n, k, *alpha, a, al->type,
                      static_cast<int>(al->ld), 0, b, static_cast<int>(bl->ld), 0, 0.0f, static_cast<float*>(d),
                      static_cast<int>(dl->ld), 0, 1);
    if (status != SUCCESS || desc->epilogue != EPILOGUE_BIAS) {
        return status;
    }
    if (!inside("cublasLtMatmul", "bias", desc->bias, 4LL * m)) {
        return EXECUTION_FAILED;
    }
    if (alignment(desc->bias) < algo->algo[1]) {
        std::fprintf(stderr, "stand-in cublasLtMatmul: misaligned address: the algorithm was chosen for a bias aligned"
                     " to %llu bytes (the heuristic's bias pointer), this bias is aligned to %llu\n", algo->algo[1],
                     alignment(desc->bias));
        return EXECUTION_FAILED;
    }
    float* out = static_cast<float*>(d);
    for (int col = 0; col < n; col++) {
        for (int row = 0; row < m; row++) {
            out[row + static_cast<long long>(col) * dl->ld] += desc->bias[row];
        }
    }
    return SUCCESS;
}

} // extern "C"
