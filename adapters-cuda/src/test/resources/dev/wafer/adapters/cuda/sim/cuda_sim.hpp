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
int wsim_bounds(const void* address, uintptr_t* low, uintptr_t* high);
void wsim_out_of_bounds(const void* address, unsigned long bytes, uintptr_t low, uintptr_t high);
}

// A pointer that knows the allocation it points into: CudaSimulator rewrites every pointer type of the kernels
// (T*) to wsim_ptr<T>, so that each load and store is checked against the live allocation the kernel argument
// pointed into (as compute-sanitizer's memcheck would on a GPU). Arithmetic is unchecked, as in C; an access outside
// the allocation is reported (and reads a dummy instead of touching other memory).
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

    T& at(T* q) const {
        uintptr_t a = reinterpret_cast<uintptr_t>(q);
        if (a < low || a + sizeof(T) > high) {
            wsim_out_of_bounds(q, sizeof(T), low, high);
            static typename std::remove_const<T>::type dummy;
            return dummy;
        }
        return *q;
    }

    template <typename I>
    T& operator[](I i) const {
        return at(p + i);
    }

    T& operator*() const {
        return at(p);
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

// The PTX conversions cvt.rn.f16.f32 and cvt.f32.f16 (round to nearest even), which CudaSimulator substitutes for
// the kernels' inline asm.
static inline unsigned short wsim_f32_to_f16(float x) {
    _Float16 h = (_Float16) x;
    unsigned short bits;
    std::memcpy(&bits, &h, 2);
    return bits;
}

static inline float wsim_f16_to_f32(unsigned short bits) {
    _Float16 h;
    std::memcpy(&h, &bits, 2);
    return (float) h;
}
