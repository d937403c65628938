// The Modelzoo / Hugging Face AdamW update of one tensor (see AdamWKernel): eps before the bias correction,
// weight decay scaled by the tensor's own learning rate. correction = sqrt(1 - beta2^t) / (1 - beta1^t),
// computed in double on the host.
extern "C" __global__ void adamw_update(float* params, const float* grads, float* m, float* v, int n, float lr,
                                        float beta1, float beta2, float eps, float weight_decay,
                                        float correction) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float grad = grads[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * grad;
        float vi = beta2 * v[i] + (1.0f - beta2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        float p = params[i];
        float u = mi / (sqrtf(vi) + eps) * correction + weight_decay * p;
        params[i] = p - lr * u;
    }
}
