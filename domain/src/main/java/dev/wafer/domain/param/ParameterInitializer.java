package dev.wafer.domain.param;

import java.util.SplittableRandom;

import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;

/**
 * Fills a parameter set from a parameterisation, deterministically from a seed: tensors in layout order, each
 * from its own stream split off the seed, so adding a tensor does not change the others' values.
 */
public final class ParameterInitializer {
    private ParameterInitializer() {
    }

    /** Host values per copy: tensors are filled through one small buffer, not a host copy of each (the 111M
     * embedding alone is 154 MB, and a transient array that size stays in the process's resident memory). */
    private static final int CHUNK = 1 << 20;

    /** Initialises every tensor of {@code params}. */
    public static void initialize(ParameterSet params, Parameterisation p, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        float[] host = new float[CHUNK];
        for (ParameterSpec spec : params.layout().specs()) {
            SplittableRandom rnd = root.split();
            long count = spec.count();
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(spec + " is too large to initialise from the host");
            }
            Init init = p.init(spec.role());
            // The stream is drawn in element order, chunk after chunk: the values do not depend on CHUNK.
            for (long done = 0; done < count; done += CHUNK) {
                int n = (int) Math.min(CHUNK, count - done);
                switch (init) {
                    case Init.Constant c -> java.util.Arrays.fill(host, 0, n, c.value());
                    case Init.TruncatedNormal t -> {
                        for (int i = 0; i < n; i++) {
                            host[i] = (float) (t.std() * truncatedStandardNormal(rnd));
                        }
                    }
                }
                params.get(spec.name()).copyFromHost(host, 0, done, n);
            }
        }
    }

    /** A standard normal draw conditioned on |z| <= 2, by rejection (95% acceptance). */
    static double truncatedStandardNormal(SplittableRandom rnd) {
        while (true) {
            // Box-Muller on SplittableRandom, which has no nextGaussian on Java 21's SplittableRandom interface.
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            double z = Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
            if (Math.abs(z) <= 2.0) {
                return z;
            }
        }
    }
}
