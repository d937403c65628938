package dev.wafer.adapters.cuda;

import java.util.List;

/**
 * The C prototypes of every function the adapter binds, copied from the CUDA 13.0 headers ({@code cuda.h},
 * {@code nvrtc.h}, {@code cublas_api.h}) with the calling-convention macros ({@code CUDAAPI}, {@code CUBLASWINAPI})
 * left out. {@code symbol} is what the library exports and the adapter binds; {@code declared} is the name the
 * header declares, which differs where the header renames by macro ({@code #define cuMemAlloc cuMemAlloc_v2}).
 */
final class CPrototypes {
    /** One bound function. */
    record Prototype(String header, String symbol, String declared, String text) {
    }

    static final String CUDA_H = "cuda.h";
    static final String NVRTC_H = "nvrtc.h";
    static final String CUBLAS_H = "cublas_api.h";
    static final String CUBLASLT_H = "cublasLt.h";

    static final List<Prototype> ALL = List.of(
            cuda("cuInit", "CUresult cuInit(unsigned int Flags);"),
            cuda("cuDriverGetVersion", "CUresult cuDriverGetVersion(int *driverVersion);"),
            cuda("cuDeviceGetCount", "CUresult cuDeviceGetCount(int *count);"),
            cuda("cuDeviceGet", "CUresult cuDeviceGet(CUdevice *device, int ordinal);"),
            cuda("cuDeviceGetName", "CUresult cuDeviceGetName(char *name, int len, CUdevice dev);"),
            cuda("cuDeviceGetAttribute",
                    "CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev);"),
            cuda("cuDevicePrimaryCtxRetain", "CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev);"),
            cuda("cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease",
                    "CUresult cuDevicePrimaryCtxRelease(CUdevice dev);"),
            cuda("cuCtxGetCurrent", "CUresult cuCtxGetCurrent(CUcontext *pctx);"),
            cuda("cuCtxSetCurrent", "CUresult cuCtxSetCurrent(CUcontext ctx);"),
            cuda("cuCtxSynchronize", "CUresult cuCtxSynchronize(void);"),
            cuda("cuMemAlloc_v2", "cuMemAlloc", "CUresult cuMemAlloc(CUdeviceptr *dptr, size_t bytesize);"),
            cuda("cuMemGetInfo_v2", "cuMemGetInfo", "CUresult cuMemGetInfo(size_t *free, size_t *total);"),
            cuda("cuMemFree_v2", "cuMemFree", "CUresult cuMemFree(CUdeviceptr dptr);"),
            cuda("cuMemcpyHtoDAsync_v2", "cuMemcpyHtoDAsync", "CUresult cuMemcpyHtoDAsync(CUdeviceptr dstDevice,"
                    + " const void *srcHost, size_t ByteCount, CUstream hStream);"),
            cuda("cuMemcpyDtoHAsync_v2", "cuMemcpyDtoHAsync", "CUresult cuMemcpyDtoHAsync(void *dstHost,"
                    + " CUdeviceptr srcDevice, size_t ByteCount, CUstream hStream);"),
            cuda("cuMemcpyDtoDAsync_v2", "cuMemcpyDtoDAsync", "CUresult cuMemcpyDtoDAsync(CUdeviceptr dstDevice,"
                    + " CUdeviceptr srcDevice, size_t ByteCount, CUstream hStream);"),
            cuda("cuMemsetD32Async", "CUresult cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t N,"
                    + " CUstream hStream);"),
            cuda("cuModuleLoadData", "CUresult cuModuleLoadData(CUmodule *module, const void *image);"),
            cuda("cuModuleUnload", "CUresult cuModuleUnload(CUmodule hmod);"),
            cuda("cuModuleGetFunction",
                    "CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name);"),
            cuda("cuFuncGetAttribute",
                    "CUresult cuFuncGetAttribute(int *pi, CUfunction_attribute attrib, CUfunction hfunc);"),
            cuda("cuLaunchKernel", "CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX,"
                    + " unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,"
                    + " unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams,"
                    + " void **extra);"),
            cuda("cuStreamCreate", "CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags);"),
            cuda("cuStreamDestroy_v2", "cuStreamDestroy", "CUresult cuStreamDestroy(CUstream hStream);"),
            cuda("cuStreamSynchronize", "CUresult cuStreamSynchronize(CUstream hStream);"),
            cuda("cuEventCreate", "CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags);"),
            cuda("cuEventRecord", "CUresult cuEventRecord(CUevent hEvent, CUstream hStream);"),
            cuda("cuEventSynchronize", "CUresult cuEventSynchronize(CUevent hEvent);"),
            cuda("cuEventDestroy_v2", "cuEventDestroy", "CUresult cuEventDestroy(CUevent hEvent);"),
            cuda("cuGetErrorName", "CUresult cuGetErrorName(CUresult error, const char **pStr);"),
            nvrtc("nvrtcVersion", "nvrtcResult nvrtcVersion(int *major, int *minor);"),
            nvrtc("nvrtcGetNumSupportedArchs", "nvrtcResult nvrtcGetNumSupportedArchs(int* numArchs);"),
            nvrtc("nvrtcGetSupportedArchs", "nvrtcResult nvrtcGetSupportedArchs(int* supportedArchs);"),
            nvrtc("nvrtcCreateProgram", "nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src,"
                    + " const char *name, int numHeaders, const char * const *headers,"
                    + " const char * const *includeNames);"),
            nvrtc("nvrtcDestroyProgram", "nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog);"),
            nvrtc("nvrtcCompileProgram", "nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions,"
                    + " const char * const *options);"),
            nvrtc("nvrtcGetPTXSize", "nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet);"),
            nvrtc("nvrtcGetPTX", "nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx);"),
            nvrtc("nvrtcGetCUBINSize", "nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet);"),
            nvrtc("nvrtcGetCUBIN", "nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin);"),
            nvrtc("nvrtcGetProgramLogSize",
                    "nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet);"),
            nvrtc("nvrtcGetProgramLog", "nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log);"),
            nvrtc("nvrtcGetErrorString", "const char *nvrtcGetErrorString(nvrtcResult result);"),
            cublas("cublasCreate_v2", "cublasStatus_t cublasCreate_v2(cublasHandle_t *handle);"),
            cublas("cublasDestroy_v2", "cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);"),
            cublas("cublasSetStream_v2",
                    "cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId);"),
            cublas("cublasSetMathMode", "cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);"),
            cublas("cublasSetWorkspace_v2", "cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle,"
                    + " void *workspace, size_t workspaceSizeInBytes);"),
            cublas("cublasGetVersion_v2", "cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version);"),
            cublas("cublasSgemm_v2", "cublasStatus_t cublasSgemm_v2(cublasHandle_t handle,"
                    + " cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha,"
                    + " const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc);"),
            cublas("cublasGemmEx", "cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa,"
                    + " cublasOperation_t transb, int m, int n, int k, const void* alpha, const void* A,"
                    + " cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb, const void* beta,"
                    + " void* C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType,"
                    + " cublasGemmAlgo_t algo);"),
            cublas("cublasSgemmStridedBatched", "cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle,"
                    + " cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha,"
                    + " const float* A, int lda, long long int strideA, const float* B, int ldb,"
                    + " long long int strideB, const float* beta, float* C, int ldc, long long int strideC,"
                    + " int batchCount);"),
            cublas("cublasGemmStridedBatchedEx", "cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle,"
                    + " cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void* alpha,"
                    + " const void* A, cudaDataType Atype, int lda, long long int strideA, const void* B,"
                    + " cudaDataType Btype, int ldb, long long int strideB, const void* beta, void* C,"
                    + " cudaDataType Ctype, int ldc, long long int strideC, int batchCount,"
                    + " cublasComputeType_t computeType, cublasGemmAlgo_t algo);"),
            cublas("cublasGetProperty", "cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value);"),
            lt("cublasLtCreate", "cublasStatus_t cublasLtCreate(cublasLtHandle_t* lightHandle);"),
            lt("cublasLtDestroy", "cublasStatus_t cublasLtDestroy(cublasLtHandle_t lightHandle);"),
            lt("cublasLtMatmulDescCreate", "cublasStatus_t cublasLtMatmulDescCreate(cublasLtMatmulDesc_t* matmulDesc,"
                    + " cublasComputeType_t computeType, cudaDataType_t scaleType);"),
            lt("cublasLtMatmulDescDestroy", "cublasStatus_t cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t matmulDesc);"),
            lt("cublasLtMatmulDescSetAttribute", "cublasStatus_t cublasLtMatmulDescSetAttribute("
                    + "cublasLtMatmulDesc_t matmulDesc, cublasLtMatmulDescAttributes_t attr, const void* buf,"
                    + " size_t sizeInBytes);"),
            lt("cublasLtMatrixLayoutCreate", "cublasStatus_t cublasLtMatrixLayoutCreate("
                    + "cublasLtMatrixLayout_t* matLayout, cudaDataType type, uint64_t rows, uint64_t cols,"
                    + " int64_t ld);"),
            lt("cublasLtMatrixLayoutDestroy", "cublasStatus_t cublasLtMatrixLayoutDestroy("
                    + "const cublasLtMatrixLayout_t matLayout);"),
            lt("cublasLtMatmulPreferenceCreate", "cublasStatus_t cublasLtMatmulPreferenceCreate("
                    + "cublasLtMatmulPreference_t* pref);"),
            lt("cublasLtMatmulPreferenceDestroy", "cublasStatus_t cublasLtMatmulPreferenceDestroy("
                    + "cublasLtMatmulPreference_t pref);"),
            lt("cublasLtMatmulPreferenceSetAttribute", "cublasStatus_t cublasLtMatmulPreferenceSetAttribute("
                    + "cublasLtMatmulPreference_t pref, cublasLtMatmulPreferenceAttributes_t attr, const void* buf,"
                    + " size_t sizeInBytes);"),
            lt("cublasLtMatmulAlgoGetHeuristic", "cublasStatus_t cublasLtMatmulAlgoGetHeuristic("
                    + "cublasLtHandle_t lightHandle, cublasLtMatmulDesc_t operationDesc, cublasLtMatrixLayout_t Adesc,"
                    + " cublasLtMatrixLayout_t Bdesc, cublasLtMatrixLayout_t Cdesc, cublasLtMatrixLayout_t Ddesc,"
                    + " cublasLtMatmulPreference_t preference, int requestedAlgoCount,"
                    + " cublasLtMatmulHeuristicResult_t heuristicResultsArray[], int* returnAlgoCount);"),
            lt("cublasLtMatmul", "cublasStatus_t cublasLtMatmul(cublasLtHandle_t lightHandle,"
                    + " cublasLtMatmulDesc_t computeDesc, const void* alpha, const void* A,"
                    + " cublasLtMatrixLayout_t Adesc, const void* B, cublasLtMatrixLayout_t Bdesc, const void* beta,"
                    + " const void* C, cublasLtMatrixLayout_t Cdesc, void* D, cublasLtMatrixLayout_t Ddesc,"
                    + " const cublasLtMatmulAlgo_t* algo, void* workspace, size_t workspaceSizeInBytes,"
                    + " cudaStream_t stream);"));

    private CPrototypes() {
    }

    private static Prototype cuda(String symbol, String text) {
        return new Prototype(CUDA_H, symbol, symbol, text);
    }

    private static Prototype cuda(String symbol, String declared, String text) {
        return new Prototype(CUDA_H, symbol, declared, text);
    }

    private static Prototype nvrtc(String symbol, String text) {
        return new Prototype(NVRTC_H, symbol, symbol, text);
    }

    private static Prototype cublas(String symbol, String text) {
        return new Prototype(CUBLAS_H, symbol, symbol, text);
    }

    private static Prototype lt(String symbol, String text) {
        return new Prototype(CUBLASLT_H, symbol, symbol, text);
    }

    /** The prototypes of {@code header}. */
    static List<Prototype> of(String header) {
        return ALL.stream().filter(p -> p.header().equals(header)).toList();
    }
}
