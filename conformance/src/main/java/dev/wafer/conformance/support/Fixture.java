package dev.wafer.conformance.support;

import java.util.Random;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** Per-test state: a seeded random source and an allocation scope on the backend under test. */
public final class Fixture implements AutoCloseable {
    private final TensorScope scope;
    private final Random random;
    private final long seed;

    public Fixture(ComputeBackend backend, String testName) {
        this.seed = Seeds.forTest(testName);
        this.random = new Random(seed);
        this.scope = backend.openScope();
    }

    public long seed() {
        return seed;
    }

    public TensorScope scope() {
        return scope;
    }

    /** {@code n} floats uniform in [lo, hi). */
    public float[] uniform(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return a;
    }

    /** {@code n} ints uniform in [0, bound). */
    public int[] ints(int n, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(bound);
        }
        return a;
    }

    /** A tensor holding {@code data}. */
    public Tensor upload(float[] data) {
        Tensor t = scope.allocate(data.length);
        t.copyFromHost(data);
        return t;
    }

    /** A tensor of {@code n} elements filled with NaN, to prove that an output is fully written. */
    public Tensor garbage(int n) {
        float[] g = new float[n];
        java.util.Arrays.fill(g, Float.NaN);
        return upload(g);
    }

    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Override
    public void close() {
        scope.close();
    }
}
