// Token + position embedding (llm.c's encoder_forward / encoder_backward).

// out[bt, i] = multiplier * (wte[tokens[bt], i] + wpe[bt % t, i]); one thread per element of out (n = B*T rows).
extern "C" __global__ void encoder_forward(float* out, const int* tokens, const float* wte, const float* wpe,
                                           int n, int t, int c, float multiplier) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g < (long long)n * c) {
        int bt = (int)(g / c);
        int i = (int)(g - (long long)bt * c);
        int pos = bt % t;
        out[g] = multiplier * (wte[(long long)tokens[bt] * c + i] + wpe[(long long)pos * c + i]);
    }
}

// dwpe[pos, i] += multiplier * dout[b*t + pos, i] for every b, in order; one thread per (pos, i).
extern "C" __global__ void encoder_backward_positions(float* dwpe, const float* dout, int b, int t, int c,
                                                      float multiplier) {
    long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (g < (long long)t * c) {
        int pos = (int)(g / c);
        int i = (int)(g - (long long)pos * c);
        float acc = dwpe[g];
        for (int s = 0; s < b; s++) {
            acc += multiplier * dout[((long long)s * t + pos) * c + i];
        }
        dwpe[g] = acc;
    }
}

// dwte[tokens[bt], i] += multiplier * dout[bt, i]; one thread per channel walks the rows in order, so repeated
// tokens never race.
extern "C" __global__ void encoder_backward_tokens(float* dwte, const int* tokens, const float* dout, int n, int c,
                                                   float multiplier) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < c) {
        for (int bt = 0; bt < n; bt++) {
            dwte[(long long)tokens[bt] * c + i] += multiplier * dout[(long long)bt * c + i];
        }
    }
}

// The token-embedding gradient by buckets (TokenBuckets): buckets = [U ids ascending | U + 1 starts | rows], the
// rows of a bucket ascending. Block x is one id, y a chunk of channels: each thread adds its bucket's rows in order,
// as the serial loop of encoder_backward_tokens does, so the two give the same bits.
extern "C" __global__ void encoder_backward_buckets(float* dwte, const int* buckets, int unique, const float* dout,
                                                    int c, float multiplier) {
    int u = blockIdx.x;
    int i = blockIdx.y * blockDim.x + threadIdx.x;
    if (u >= unique || i >= c) {
        return;
    }
    const int* starts = buckets + unique;
    const int* rows = buckets + 2 * unique + 1;
    float* w = dwte + (long long)buckets[u] * c + i;
    float acc = *w;
    for (int r = starts[u]; r < starts[u + 1]; r++) {
        acc += multiplier * dout[(long long)rows[r] * c + i];
    }
    *w = acc;
}
