package dev.wafer.adapters.cpu;

/** Level-1 vector helpers used inside kernels (dot products, axpy); a Vector API and a scalar implementation. */
interface Blas1 {
    /** Σ a[ao+i]·b[bo+i] for i in [0, n), accumulated in float lanes. */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** y[yo+i] += alpha·x[xo+i] for i in [0, n). */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** The scalar implementation, usable without the incubator module. */
    Blas1 SCALAR = new Blas1() {
        @Override
        public float dot(float[] a, int ao, float[] b, int bo, int n) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += a[ao + i] * b[bo + i];
            }
            return s;
        }

        @Override
        public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
            for (int i = 0; i < n; i++) {
                y[yo + i] += alpha * x[xo + i];
            }
        }
    };
}
