// Sum of squares in double, deterministically: a fixed number of partial sums (one per thread of the launch,
// each striding over the tensor), then one thread adds the partials in order.

// partials[g] = sum of x[i]^2 for i = g, g + stride, ... below n, stride = gridDim.x * blockDim.x.
extern "C" __global__ void sum_of_squares_partials(double* partials, const float* x, int n) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    double s = 0.0;
    for (long long i = g; i < n; i += stride) {
        double xi = x[i];
        s += xi * xi;
    }
    partials[g] = s;
}

// total[0] = partials[0] + ... + partials[count - 1], in order; launched as one thread.
extern "C" __global__ void sum_of_squares_total(double* total, const double* partials, int count) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        double s = 0.0;
        for (int i = 0; i < count; i++) {
            s += partials[i];
        }
        total[0] = s;
    }
}
