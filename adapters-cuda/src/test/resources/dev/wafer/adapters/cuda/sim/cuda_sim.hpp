// What the kernel sources need from CUDA, for running them on the host (the CUDA simulator of the tests,
// CudaSimulator). Each CUDA thread is a fiber; __syncthreads and warp shuffles switch fibers (cuda_sim_runtime.cpp).
// Blocks run one after another, so a __shared__ array can be a static variable.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

struct wsim_dim3 {
    unsigned int x, y, z;
};

extern "C" {
extern wsim_dim3 threadIdx, blockIdx, blockDim, gridDim;
void wsim_syncthreads(void);
float wsim_shfl_xor_float(unsigned int mask, float value, int lane_mask);
void wsim_mma_bf16_m16n8k16(float* d, const uint32_t* a, const uint32_t* b);
void wsim_mma_tf32_m16n8k8(float* d, const uint32_t* a, const uint32_t* b);
int wsim_bounds(const void* address, uintptr_t* low, uintptr_t* high);
void wsim_out_of_bounds(const void* address, unsigned long bytes, uintptr_t low, uintptr_t high);
extern int wsim_counting;
extern unsigned long wsim_block_serial; // counts every block of every launch, from 1
void wsim_shared_access(const char* file, int line, unsigned long offset, int bytes);
void wsim_global_access(const char* file, int line, const void* address, int bytes);
void wsim_shared_out_of_bounds(const char* file, int line, const char* name, long index, unsigned long length);
extern int wsim_racecheck;
void wsim_race_shared(const char* file, int line, const char* name, const void* base, const void* address, int bytes,
                      unsigned long length);
void wsim_race_global(const char* file, int line, const void* address, int bytes, uintptr_t low, uintptr_t high);
}

// A pointer that knows the allocation it points into: CudaSimulator rewrites every pointer type of the kernels
// (T*) to wsim_ptr<T>, so that each load and store is checked against the live allocation the kernel argument
// pointed into (as compute-sanitizer's memcheck would on a GPU). Arithmetic is unchecked, as in C; an access outside
// the allocation is reported (and reads a dummy instead of touching other memory).
// An index with the file and line of the subscript that uses it (GCC's __builtin_FILE and __builtin_LINE as default
// arguments give the caller's), for the count of global-memory requests by source line.
struct wsim_site {
    long long index;
    const char* file;
    int line;

    template <typename I, typename std::enable_if<std::is_integral<I>::value, int>::type = 0>
    wsim_site(I i, const char* f = __builtin_FILE(), int l = __builtin_LINE())
        : index(static_cast<long long>(i)), file(f), line(l) {
    }
};

template <typename T>
struct wsim_ptr {
    T* p;
    uintptr_t low;
    uintptr_t high;

    wsim_ptr() : p(nullptr), low(0), high(0) {
    }

    wsim_ptr(T* q, uintptr_t l, uintptr_t h) : p(q), low(l), high(h) {
    }

    template <typename U>
    wsim_ptr(const wsim_ptr<U>& o) : p(o.p), low(o.low), high(o.high) {
    }

    T& at(T* q, const char* file, int line) const {
        uintptr_t a = reinterpret_cast<uintptr_t>(q);
        if (a < low || a + sizeof(T) > high) {
            wsim_out_of_bounds(q, sizeof(T), low, high);
            static typename std::remove_const<T>::type dummy;
            return dummy;
        }
        if (wsim_counting) {
            wsim_global_access(file, line, q, sizeof(T));
        }
        if (wsim_racecheck) {
            wsim_race_global(file, line, q, sizeof(T), low, high);
        }
        return *q;
    }

    T& operator[](wsim_site s) const {
        return at(p + s.index, s.file, s.line);
    }

    T& operator*() const {
        return at(p, "(a dereference)", 0);
    }

    template <typename I>
    wsim_ptr operator+(I i) const {
        return wsim_ptr(p + i, low, high);
    }

    template <typename I>
    wsim_ptr operator-(I i) const {
        return wsim_ptr(p - i, low, high);
    }
};

template <typename I, typename T>
wsim_ptr<T> operator+(I i, const wsim_ptr<T>& q) {
    return q + i;
}

// A kernel argument with the bounds of the allocation it points into (none: every access is reported).
template <typename T>
wsim_ptr<T> wsim_wrap(T* q) {
    uintptr_t low = 0;
    uintptr_t high = 0;
    wsim_bounds(q, &low, &high);
    return wsim_ptr<T>(q, low, high);
}

// A __shared__ array. CudaSimulator rewrites `__shared__ T name[N];` to `__shared__ wsim_shared<T, N> name;` and each
// use `name[` to `WSIM_SHARED(name)[`, so that every access is checked against the array's N elements (a GPU would
// read or write another array, or fault) and, while requests are counted (wsim_count_requests), logged with its
// line: cuda_sim_runtime.cpp groups a warp's accesses into the requests a GPU would make and counts their wavefronts.
template <typename T>
struct wsim_shared_at {
    T* data;
    unsigned long length;
    const char* file;
    int line;
    const char* name;

    template <typename I>
    T& operator[](I i) const {
        long k = static_cast<long>(i);
        if (k < 0 || static_cast<unsigned long>(k) >= length) {
            wsim_shared_out_of_bounds(file, line, name, k, length);
            static T dummy;
            return dummy;
        }
        if (wsim_counting) {
            wsim_shared_access(file, line, static_cast<unsigned long>(k) * sizeof(T), sizeof(T));
        }
        if (wsim_racecheck) {
            wsim_race_shared(file, line, name, data, data + k, sizeof(T), length);
        }
        return data[k];
    }
};

// Shared memory is uninitialised on a GPU at the start of every block: each block here finds its arrays filled with
// 0xff bytes (NaN as a float, a bf16 or a binary16; -1 as an int) at its first access, so a kernel that reads an
// element before any thread of its block wrote it computes NaN or garbage, as it may on a GPU, instead of reading
// what the previous block left behind (the arrays are static: blocks run one after another).
template <typename T, unsigned long N>
struct wsim_shared {
    T data[N];
    unsigned long block; // the wsim_block_serial it was last filled for

    wsim_shared_at<T> at(const char* file, int line, const char* name) {
        if (block != wsim_block_serial) {
            std::memset(static_cast<void*>(data), 0xff, sizeof data);
            block = wsim_block_serial;
        }
        return wsim_shared_at<T>{data, N, file, line, name};
    }
};

#define WSIM_SHARED(a) (a).at(__FILE__, __LINE__, #a)

#define __global__
#define __device__ static
#define __forceinline__ inline
#define __shared__ static
#define __restrict__ __restrict

static inline void __syncthreads() {
    wsim_syncthreads();
}

static inline float __shfl_xor_sync(unsigned int mask, float value, int lane_mask) {
    return wsim_shfl_xor_float(mask, value, lane_mask);
}

// CUDA's double overload: the two 32-bit halves exchanged one after the other, as the hardware does.
static inline double __shfl_xor_sync(unsigned int mask, double value, int lane_mask) {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    uint32_t half[2] = {static_cast<uint32_t>(bits), static_cast<uint32_t>(bits >> 32)};
    for (uint32_t& h : half) {
        float f;
        std::memcpy(&f, &h, 4);
        f = wsim_shfl_xor_float(mask, f, lane_mask);
        std::memcpy(&h, &f, 4);
    }
    bits = static_cast<uint64_t>(half[0]) | static_cast<uint64_t>(half[1]) << 32;
    std::memcpy(&value, &bits, 8);
    return value;
}

// A tensor-core product with D = C (accumulate in place), which CudaSimulator substitutes for the kernels' inline asm
// (mma.sync.aligned.m16n8k16...bf16 and m16n8k8...tf32): a warp-wide exchange of the operand fragments.
static inline void wsim_mma(void (*mma)(float*, const uint32_t*, const uint32_t*), float& d0, float& d1, float& d2,
                            float& d3, unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3,
                            unsigned int b0, unsigned int b1) {
    float d[4] = {d0, d1, d2, d3};
    uint32_t a[4] = {a0, a1, a2, a3};
    uint32_t b[2] = {b0, b1};
    mma(d, a, b);
    d0 = d[0];
    d1 = d[1];
    d2 = d[2];
    d3 = d[3];
}

// cvt.rna.tf32.f32: float32 to tf32 (10 explicit mantissa bits, the low 13 bits zero), to nearest with ties away
// from zero; infinities and NaNs pass (a NaN keeps a payload bit).
static inline unsigned int wsim_f32_to_tf32(float x) {
    unsigned int bits;
    std::memcpy(&bits, &x, 4);
    if ((bits & 0x7f800000u) == 0x7f800000u) {
        return (bits & 0x7fffffu) != 0 ? (bits | 0x400000u) & 0xffffe000u : bits;
    }
    return (bits + 0x1000u) & 0xffffe000u; // half an ulp of tf32 on the magnitude, then truncate: ties away
}

// CUDA's fast exp (ex2.approx on a GPU): the host's exp, which is at least as accurate. A macro, because glibc's
// <cmath> declares a __expf of its own.
static inline float wsim_expf(float x) {
    return std::exp(x);
}
#define __expf wsim_expf

// CUDA's normcdff, the standard normal CDF in float (within 5 ulp on a GPU, accurate in the negative tail): here
// through the host's double erfc, so the simulation is the exact value rounded once.
static inline float normcdff(float x) {
    return static_cast<float>(0.5 * std::erfc(-static_cast<double>(x) * 0.70710678118654752440));
}

// A float product rounded once and never contracted into an FMA: the host's float multiply.
static inline float __fmul_rn(float a, float b) {
    return a * b;
}

static inline unsigned int __float_as_uint(float f) {
    unsigned int u;
    std::memcpy(&u, &f, 4);
    return u;
}

static inline float __uint_as_float(unsigned int u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

using std::max;
using std::min;

// The PTX conversions cvt.rn.f16.f32 and cvt.f32.f16 (round to nearest, ties to even; overflow to infinity,
// subnormals kept), which CudaSimulator substitutes for the kernels' inline asm. Written out rather than through
// _Float16, which g++ accepts in C++ only from version 12 (after F. Giesen's float_to_half_fast3_rtne).
static inline unsigned short wsim_f32_to_f16(float value) {
    uint32_t x;
    std::memcpy(&x, &value, 4);
    uint32_t sign = x & 0x80000000u;
    x ^= sign;
    unsigned short out;
    if (x >= (127u + 16u) << 23) {                     // |value| >= 65536, infinity or NaN
        out = x > 0x7f800000u ? 0x7e00 : 0x7c00;       // NaN stays a (quiet) NaN, the rest overflows
    } else if (x < 113u << 23) {                       // below 2^-14: a binary16 subnormal or zero
        uint32_t magic_bits = ((127u - 15u) + (23u - 10u) + 1u) << 23;
        float magic;
        std::memcpy(&magic, &magic_bits, 4);
        float f;
        std::memcpy(&f, &x, 4);
        f += magic;                                    // the FPU rounds to nearest even at the subnormal's last bit
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        out = static_cast<unsigned short>(bits - magic_bits);
    } else {
        uint32_t odd = (x >> 13) & 1u;
        x += ((15u - 127u) << 23) + 0xfffu + odd;      // rebias and round; a carry may reach infinity
        out = static_cast<unsigned short>(x >> 13);
    }
    return static_cast<unsigned short>(out | (sign >> 16));
}

static inline float wsim_f16_to_f32(unsigned short half) {
    uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    uint32_t exponent = (half >> 10) & 0x1fu;
    uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0) {
        float f = static_cast<float>(mantissa) * (1.0f / 16777216.0f); // mantissa * 2^-24, exact
        return sign ? -f : f;
    }
    uint32_t bits = exponent == 31 ? sign | 0x7f800000u | (mantissa << 13)
                                   : sign | ((exponent + 112u) << 23) | (mantissa << 13);
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}
