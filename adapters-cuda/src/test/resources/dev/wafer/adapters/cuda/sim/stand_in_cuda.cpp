// A stand-in libcuda.so.1 for machines without a GPU: every driver function Wafer binds, with "device" memory in
// host memory and kernels run by the CUDA simulator (cuda_sim_runtime.cpp and the kernel units are linked into the
// same library; cuModuleGetFunction finds a kernel's thunk by name, whatever image was loaded). With it on the
// loader path, the real CUDA backend (CudaGpu and its FFM bindings, NVRTC, the CLI) runs end to end: the GPU check's
// rehearsal uses it. It claims one device of compute capability 9.0 with 132 SMs and 8 GiB, or WAFER_STAND_IN_DEVICES
// of them (at most 16; each process's allocations count against its own 8 GiB), and appends "device N pid P" to the
// file WAFER_STAND_IN_TRACE names whenever a process retains a device's context, so that tests see which device
// each rank of a job opened.
//
// Each thread has its current context, as with the driver (cuCtxSetCurrent, cuCtxGetCurrent): memory, copies, modules,
// launches, streams and events need one, and fail with CUDA_ERROR_INVALID_CONTEXT without, so a caller that leaves a
// thread without its context (the probe's memory query cleared it until 2026-12-07) fails here as on a GPU.
//
// WAFER_STAND_IN_FAIL_LAUNCH=KERNEL:INDEX=VALUE makes every launch of KERNEL whose int argument INDEX (from 0) equals
// VALUE fail with CUDA_ERROR_LAUNCH_FAILED, as a kernel would that is right on the shapes its suites try and wrong
// at a bench's (e.g. flash_attention_f32_forward:3=64 fails the float32 fused attention at sequence length 64 only);
// KERNEL#N fails the process's Nth launch of KERNEL (from 1) and every later one, as a device that fails mid-run;
// several faults are separated by commas. What the GPU check and training do then is tested end to end. A malformed
// value fails every launch, naming the variable.
#include "cuda_sim.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

extern "C" int wsim_launch(void (*thunk)(void**), void** params, int gx, int gy, int gz, int bx, int by, int bz,
                           int descending, int barrier_free, char* error, int error_length);
extern "C" void wsim_register(const void* address, unsigned long bytes);
extern "C" void wsim_unregister(const void* address);

namespace {

constexpr CUresult SUCCESS = 0;
constexpr CUresult INVALID_VALUE = 1;
constexpr CUresult OUT_OF_MEMORY = 2;
constexpr CUresult INVALID_DEVICE = 101;
constexpr CUresult INVALID_CONTEXT = 201;
constexpr CUresult NOT_FOUND = 500;
constexpr CUresult LAUNCH_FAILED = 719;
constexpr unsigned long long TOTAL_BYTES = 8ULL << 30;

std::mutex lock;
std::map<uintptr_t, size_t> allocated;
std::map<void*, int> barrier_free; // thunk -> its kernel has no barrier or shuffle
std::map<void*, std::string> kernel_names; // thunk -> its kernel's name
std::map<std::string, long> launches;      // kernel name -> launches so far in this process
unsigned long long used;
uintptr_t next_handle = 0x1000;
// The calling thread's current context: a primary context's handle (0x1 + device), or none.
thread_local void* current_context = nullptr;

// WAFER_STAND_IN_DEVICES, 1 to 16; 1 when unset or not a number in that range.
int device_count() {
    const char* text = std::getenv("WAFER_STAND_IN_DEVICES");
    int n = text == nullptr ? 1 : std::atoi(text);
    return n >= 1 && n <= 16 ? n : 1;
}

// Whether the calling thread has a current context, which every call below that works on the device needs.
bool has_context() {
    return current_context != nullptr;
}

void* handle() {
    std::lock_guard<std::mutex> guard(lock);
    return reinterpret_cast<void*>(next_handle++);
}

// This library's own handle, for looking up the thunks linked into it.
void* self() {
    static void* me = [] {
        Dl_info info;
        dladdr(reinterpret_cast<void*>(&handle), &info);
        return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    }();
    return me;
}

// One fault of WAFER_STAND_IN_FAIL_LAUNCH: the kernel and either the int argument's index and the value that fails it,
// or the launch the failures start at.
struct InjectedFault {
    bool malformed = false;
    std::string kernel;
    int index = 0;    // KERNEL:INDEX=VALUE
    int value = 0;
    long from = 0;    // KERNEL#N: the launch (from 1) the failures start at; 0 for the other form
};

InjectedFault parse_fault(const std::string& spec) {
    InjectedFault f;
    char* end = nullptr;
    size_t hash = spec.find('#');
    if (hash != std::string::npos) {
        std::string count = spec.substr(hash + 1);
        f.kernel = spec.substr(0, hash);
        f.from = std::strtol(count.c_str(), &end, 10);
        f.malformed = hash == 0 || count.empty() || *end != '\0' || f.from < 1;
        return f;
    }
    size_t colon = spec.find(':');
    size_t equals = spec.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || colon == 0 || equals == std::string::npos) {
        f.malformed = true;
        return f;
    }
    f.kernel = spec.substr(0, colon);
    std::string index = spec.substr(colon + 1, equals - colon - 1);
    std::string value = spec.substr(equals + 1);
    long i = std::strtol(index.c_str(), &end, 10);
    f.malformed = index.empty() || *end != '\0' || i < 0 || i > 64;
    long v = std::strtol(value.c_str(), &end, 10);
    f.malformed = f.malformed || value.empty() || *end != '\0';
    f.index = (int) i;
    f.value = (int) v;
    return f;
}

// WAFER_STAND_IN_FAIL_LAUNCH, parsed once: its comma-separated faults (none when unset).
const std::vector<InjectedFault>& injected_faults() {
    static const std::vector<InjectedFault> faults = [] {
        std::vector<InjectedFault> all;
        const char* text = std::getenv("WAFER_STAND_IN_FAIL_LAUNCH");
        std::string specs = text == nullptr ? "" : text;
        size_t start = 0;
        while (start < specs.size()) {
            size_t comma = specs.find(',', start);
            size_t stop = comma == std::string::npos ? specs.size() : comma;
            all.push_back(parse_fault(specs.substr(start, stop - start)));
            start = stop + 1;
        }
        return all;
    }();
    return faults;
}

} // namespace

extern "C" {

CUresult cuInit(unsigned int) {
    return SUCCESS;
}

CUresult cuDriverGetVersion(int* version) {
    *version = 13000;
    return SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    *count = device_count();
    return SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (ordinal < 0 || ordinal >= device_count()) {
        return INVALID_DEVICE;
    }
    *device = ordinal;
    return SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice) {
    std::snprintf(name, length, "Wafer stand-in GPU (CUDA simulator on the host)");
    return SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice) {
    switch (attribute) {
        case 75: *value = 9; break;   // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
        case 76: *value = 0; break;   // ..._MINOR
        case 16: *value = 132; break; // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
        default: *value = 0;
    }
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(void** context, CUdevice device) {
    if (device < 0 || device >= device_count()) {
        return INVALID_DEVICE;
    }
    const char* trace = std::getenv("WAFER_STAND_IN_TRACE");
    if (trace != nullptr && *trace != '\0') {
        if (FILE* f = std::fopen(trace, "a")) {
            std::fprintf(f, "device %d pid %ld\n", device, static_cast<long>(getpid()));
            std::fclose(f);
        }
    }
    *context = reinterpret_cast<void*>(0x1 + device);
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice) {
    return SUCCESS;
}

CUresult cuCtxSetCurrent(void* context) {
    uintptr_t value = reinterpret_cast<uintptr_t>(context);
    if (context != nullptr && value >= 0x1 + static_cast<uintptr_t>(device_count())) {
        return INVALID_CONTEXT;
    }
    current_context = context;
    return SUCCESS;
}

CUresult cuCtxGetCurrent(void** context) {
    *context = current_context;
    return SUCCESS;
}

CUresult cuCtxSynchronize(void) {
    return has_context() ? SUCCESS : INVALID_CONTEXT;
}

CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    std::lock_guard<std::mutex> guard(lock);
    *total = TOTAL_BYTES;
    *free = TOTAL_BYTES - used;
    return SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    if (bytes == 0) {
        return INVALID_VALUE;
    }
    std::lock_guard<std::mutex> guard(lock);
    if (used + bytes > TOTAL_BYTES) {
        return OUT_OF_MEMORY;
    }
    size_t rounded = (bytes + 255) / 256 * 256;
    void* memory = std::aligned_alloc(256, rounded);
    if (memory == nullptr) {
        return OUT_OF_MEMORY;
    }
    // A GPU's cuMemAlloc leaves the memory as it was: 0xff bytes here (NaN as floats), so that a caller that reads
    // memory it never wrote or cleared (CudaGpu clears what Gpu.allocate returns) computes NaN, as it may on a GPU.
    std::memset(memory, 0xff, rounded);
    wsim_register(memory, bytes);
    allocated[reinterpret_cast<uintptr_t>(memory)] = bytes;
    used += bytes;
    *pointer = reinterpret_cast<CUdeviceptr>(memory);
    return SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    std::lock_guard<std::mutex> guard(lock);
    auto it = allocated.find(static_cast<uintptr_t>(pointer));
    if (it == allocated.end()) {
        return INVALID_VALUE;
    }
    used -= it->second;
    allocated.erase(it);
    wsim_unregister(reinterpret_cast<void*>(pointer));
    std::free(reinterpret_cast<void*>(pointer));
    return SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, void*) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return SUCCESS;
}

CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, void*) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
    return SUCCESS;
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void*) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
    return SUCCESS;
}

CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int value, size_t count, void*) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    auto* words = reinterpret_cast<unsigned int*>(dst);
    for (size_t i = 0; i < count; i++) {
        words[i] = value;
    }
    return SUCCESS;
}

CUresult cuModuleLoadData(void** module, const void*) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    *module = handle();
    return SUCCESS;
}

CUresult cuModuleUnload(void*) {
    return SUCCESS;
}

CUresult cuModuleGetFunction(void** function, void*, const char* name) {
    void* thunk = dlsym(self(), (std::string("wsim_thunk_") + name).c_str());
    if (thunk == nullptr) {
        return NOT_FOUND;
    }
    const int* flag = static_cast<const int*>(dlsym(self(), (std::string("wsim_barrier_free_") + name).c_str()));
    std::lock_guard<std::mutex> guard(lock);
    barrier_free[thunk] = flag != nullptr && *flag != 0;
    kernel_names[thunk] = name;
    *function = thunk;
    return SUCCESS;
}

// A kernel's resources: the simulator has no registers, so every kernel claims 32, no local memory and blocks of up
// to 1024 threads.
CUresult cuFuncGetAttribute(int* value, int attribute, void*) {
    switch (attribute) {
        case 0: *value = 1024; break; // CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK
        case 4: *value = 32; break;   // CU_FUNC_ATTRIBUTE_NUM_REGS
        default: *value = 0;
    }
    return SUCCESS;
}

CUresult cuLaunchKernel(void* function, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int, void*, void** params, void**) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    char error[512];
    int direct;
    std::string name;
    long launch;
    {
        std::lock_guard<std::mutex> guard(lock);
        direct = barrier_free[function];
        name = kernel_names[function];
        launch = ++launches[name];
    }
    for (const InjectedFault& fault : injected_faults()) {
        if (fault.malformed) {
            std::fprintf(stderr, "stand-in cuLaunchKernel %s: WAFER_STAND_IN_FAIL_LAUNCH is not a list of"
                         " KERNEL:INDEX=VALUE and KERNEL#N\n", name.c_str());
            return LAUNCH_FAILED;
        }
        if (name != fault.kernel) {
            continue;
        }
        if (fault.from > 0 && launch >= fault.from) {
            std::fprintf(stderr, "stand-in cuLaunchKernel %s: fails as WAFER_STAND_IN_FAIL_LAUNCH asks (launch %ld)\n",
                         name.c_str(), launch);
            return LAUNCH_FAILED;
        }
        if (fault.from == 0 && *static_cast<const int*>(params[fault.index]) == fault.value) {
            std::fprintf(stderr, "stand-in cuLaunchKernel %s: fails as WAFER_STAND_IN_FAIL_LAUNCH asks (argument %d"
                         " is %d)\n", name.c_str(), fault.index, fault.value);
            return LAUNCH_FAILED;
        }
    }
    if (wsim_launch(reinterpret_cast<void (*)(void**)>(function), params, (int) gx, (int) gy, (int) gz, (int) bx,
                    (int) by, (int) bz, 0, direct, error, sizeof error) != 0) {
        Dl_info info;
        dladdr(function, &info);
        std::fprintf(stderr, "stand-in cuLaunchKernel %s: %s\n", info.dli_sname ? info.dli_sname : "?", error);
        return LAUNCH_FAILED;
    }
    return SUCCESS;
}

CUresult cuStreamCreate(void** stream, unsigned int) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    *stream = handle();
    return SUCCESS;
}

CUresult cuStreamDestroy_v2(void*) {
    return SUCCESS;
}

CUresult cuStreamSynchronize(void*) {
    return has_context() ? SUCCESS : INVALID_CONTEXT;
}

CUresult cuEventCreate(void** event, unsigned int) {
    if (!has_context()) {
        return INVALID_CONTEXT;
    }
    *event = handle();
    return SUCCESS;
}

CUresult cuEventRecord(void*, void*) {
    return has_context() ? SUCCESS : INVALID_CONTEXT;
}

CUresult cuEventSynchronize(void*) {
    return SUCCESS;
}

CUresult cuEventDestroy_v2(void*) {
    return SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char** name) {
    switch (error) {
        case SUCCESS: *name = "CUDA_SUCCESS"; break;
        case INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
        case OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
        case INVALID_DEVICE: *name = "CUDA_ERROR_INVALID_DEVICE"; break;
        case INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; break;
        case NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
        case LAUNCH_FAILED: *name = "CUDA_ERROR_LAUNCH_FAILED"; break;
        default: *name = "CUDA_ERROR_UNKNOWN";
    }
    return SUCCESS;
}

} // extern "C"
