// The built-in SGEMM, for machines without cuBLAS (WAFER_CUDA_GEMM=builtin): the OpenCL backend's 16x16 tiled
// GEMM. Row-major C(rows, cols) with leading dimension ldc, C = [C +] A(rows, inner) B(inner, cols) where
// A(r, k) = a[r * a_row + k * a_col] and B(k, j) = b[k * b_row + j * b_col]. Launched as a grid of
// (ceil(cols / 16), ceil(rows / 16)) blocks of 16 x 16 threads.

#define WAFER_TILE 16

extern "C" __global__ void gemm_tiled(float* c, const float* a, const float* b, int rows, int cols, int inner,
                                      int a_row, int a_col, int b_row, int b_col, int ldc, int accumulate) {
    __shared__ float tile_a[WAFER_TILE * WAFER_TILE];
    __shared__ float tile_b[WAFER_TILE * WAFER_TILE];
    int lx = threadIdx.x;
    int ly = threadIdx.y;
    int row_base = blockIdx.y * WAFER_TILE;
    int col_base = blockIdx.x * WAFER_TILE;
    int row = row_base + ly;
    int col = col_base + lx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < inner; k0 += WAFER_TILE) {
        int ak = k0 + lx;
        tile_a[ly * WAFER_TILE + lx] = (row < rows && ak < inner)
                ? a[(long long)row * a_row + (long long)ak * a_col] : 0.0f;
        int bk = k0 + ly;
        tile_b[ly * WAFER_TILE + lx] = (bk < inner && col < cols)
                ? b[(long long)bk * b_row + (long long)col * b_col] : 0.0f;
        __syncthreads();
        for (int kk = 0; kk < WAFER_TILE; kk++) {
            acc += tile_a[ly * WAFER_TILE + kk] * tile_b[kk * WAFER_TILE + lx];
        }
        __syncthreads();
    }
    if (row < rows && col < cols) {
        long long at = (long long)row * ldc + col;
        c[at] = accumulate ? c[at] + acc : acc;
    }
}
