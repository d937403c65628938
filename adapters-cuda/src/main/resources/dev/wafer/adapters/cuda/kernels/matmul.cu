// The parts of the linear layer around cuBLAS's SGEMM: the bias and its gradient.

// out[r, j] += bias[j]; one thread per element of out (n rows, oc columns).
extern "C" __global__ void add_bias(float* out, const float* bias, int n, int oc) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g < (long long)n * oc) {
        out[g] += bias[g % oc];
    }
}

// dbias[j] += sum over rows of dout[r, j]; one thread per column, rows in order.
extern "C" __global__ void column_sum_accumulate(float* dbias, const float* dout, int n, int oc) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < oc) {
        float s = 0.0f;
        for (int r = 0; r < n; r++) {
            s += dout[(long long)r * oc + j];
        }
        dbias[j] += s;
    }
}
