package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import dev.wafer.domain.param.MupHyperparameters;

/**
 * Where the muP random search draws its triples (paper Appendix G.2): each constant log-uniform around the paper's
 * value: η_base in [6e-4, 6e-2] (a decade either side of 6e-3), σ_base in [0.02, 0.32] (a factor 4 either side of
 * 0.08), m_emb in [1, 100] (a decade either side of 10). Draws are seeded: the same seed gives the same samples, and
 * a longer search extends a shorter one.
 */
public final class MupSearchSpace {
    /** η_base's range. */
    public static final LogRange BASE_LR = new LogRange(6e-4, 6e-2);
    /** σ_base's range. */
    public static final LogRange INIT_STD = new LogRange(0.02, 0.32);
    /** m_emb's range. */
    public static final LogRange EMB_MULT = new LogRange(1, 100);

    /**
     * A log-uniform range.
     *
     * @param lo smallest value
     * @param hi largest value
     */
    public record LogRange(double lo, double hi) {
        /**
         * Checks that both bounds are positive and {@code hi} exceeds {@code lo}.
         *
         * @throws IllegalArgumentException unless {@code 0 < lo < hi}
         */
        public LogRange {
            if (!(lo > 0 && hi > lo)) {
                throw new IllegalArgumentException("a log range needs 0 < lo < hi, found " + lo + ", " + hi);
            }
        }

        /** A draw whose logarithm is uniform over [log lo, log hi). */
        double draw(SplittableRandom random) {
            return Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
        }

        /** Whether {@code v} lies in the range. */
        public boolean contains(double v) {
            return v >= lo && v <= hi;
        }
    }

    private MupSearchSpace() {
    }

    /** The first {@code n} triples of the search seeded with {@code seed}. */
    public static List<MupHyperparameters> samples(long seed, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must not be negative, found " + n);
        }
        Iterator<MupHyperparameters> draws = draws(seed);
        List<MupHyperparameters> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(draws.next());
        }
        return List.copyOf(out);
    }

    /**
     * The triples of the search seeded with {@code seed}, one at a time and without end: the first {@code n} are
     * {@link #samples samples(seed, n)}. A search draws each as it trains it, so that its work before the first run
     * does not grow with the sample count.
     */
    public static Iterator<MupHyperparameters> draws(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public MupHyperparameters next() {
                return new MupHyperparameters(BASE_LR.draw(random), INIT_STD.draw(random), EMB_MULT.draw(random));
            }
        };
    }
}
