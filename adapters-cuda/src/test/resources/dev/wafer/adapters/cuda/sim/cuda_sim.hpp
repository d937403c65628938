// What the kernel sources need from CUDA, for running them on the host (the CUDA simulator of the tests,
// CudaSimulator). Each CUDA thread is a fiber; __syncthreads and warp shuffles switch fibers (cuda_sim_runtime.cpp).
// Blocks run one after another, so a __shared__ array can be a static variable.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>

struct wsim_dim3 {
    unsigned int x, y, z;
};

extern "C" {
extern wsim_dim3 threadIdx, blockIdx, blockDim, gridDim;
void wsim_syncthreads(void);
float wsim_shfl_xor_float(unsigned int mask, float value, int lane_mask);
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
