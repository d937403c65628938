package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CPython's {@code random.Random} (the Mersenne Twister MT19937 of {@code Modules/_randommodule.c} plus the
 * pure-Python methods of {@code Lib/random.py}, 3.11), bit for bit, so that draws made by Python programs such as
 * lm-evaluation-harness can be reproduced in Java.
 *
 * <p>Covered: seeding from an integer ({@code Random(seed)} and {@code seed(n)}: {@code init_by_array} over the
 * little-endian 32-bit words of {@code |seed|}), {@link #random()}, {@link #getrandbits(int)},
 * {@link #randbelow(long)} ({@code _randbelow_with_getrandbits}), {@link #randrange(long)},
 * {@link #randrange(long, long)}, {@link #shuffle(List)} and {@link #sample(List, int)} with CPython's choice
 * between its pool-based and set-based algorithms. These methods draw the same 32-bit words in the same order as
 * CPython 3.8 to 3.12, so a harness run under any of those versions is reproduced. Not thread-safe.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int index;

    /** A generator in the state of Python's {@code random.Random(seed)}. */
    public PythonRandom(long seed) {
        seed(seed);
    }

    /** Python's {@code seed(seed)} for an int: all bits of {@code |seed|} are used, the sign is ignored. */
    public void seed(long seed) {
        // Math.abs(Long.MIN_VALUE) overflows; its magnitude 2^63 as an unsigned bit pattern is the same value.
        long magnitude = seed == Long.MIN_VALUE ? seed : Math.abs(seed);
        int low = (int) magnitude;
        int high = (int) (magnitude >>> 32);
        // CPython passes as many 32-bit words as |seed| needs, at least one.
        initByArray(high == 0 ? new int[] {low} : new int[] {low, high});
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000; // MSB set: a non-zero initial state
    }

    /** The next tempered 32-bit output, as an unsigned value in an int ({@code genrand_uint32}). */
    private int nextWord() {
        if (index >= N) {
            int kk = 0;
            for (; kk < N - M; kk++) {
                int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) * MATRIX_A);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) * MATRIX_A);
            }
            int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) * MATRIX_A);
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** Python's {@code random()}: a double in [0, 1) built from 53 bits of two words. */
    public double random() {
        long a = (nextWord() & 0xffffffffL) >>> 5;
        long b = (nextWord() & 0xffffffffL) >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /**
     * Python's {@code getrandbits(k)} for {@code 0 <= k <= 64}: words fill the result from the least significant
     * end, and the last (most significant) word keeps only its top bits. For {@code k == 64} the result is the
     * unsigned value's bit pattern.
     */
    public long getrandbits(int k) {
        if (k < 0 || k > 64) {
            throw new IllegalArgumentException("getrandbits supports 0 <= k <= 64 here: " + k);
        }
        if (k == 0) {
            return 0;
        }
        if (k <= 32) {
            return (nextWord() & 0xffffffffL) >>> (32 - k);
        }
        long low = nextWord() & 0xffffffffL;
        long high = (nextWord() & 0xffffffffL) >>> (64 - k);
        return (high << 32) | low;
    }

    /** Python's {@code _randbelow(n)}: rejection sampling with {@code getrandbits(n.bit_length())}, {@code n > 0}. */
    public long randbelow(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("randbelow needs n > 0: " + n);
        }
        int k = 64 - Long.numberOfLeadingZeros(n);
        long r = getrandbits(k);
        while (r >= n) {
            r = getrandbits(k);
        }
        return r;
    }

    /** Python's {@code randrange(stop)}. */
    public long randrange(long stop) {
        if (stop <= 0) {
            throw new IllegalArgumentException("empty range for randrange(" + stop + ")");
        }
        return randbelow(stop);
    }

    /** Python's {@code randrange(start, stop)} (step 1). */
    public long randrange(long start, long stop) {
        long width = stop - start;
        if (stop <= start || width <= 0) {
            throw new IllegalArgumentException("empty or too wide range for randrange(" + start + ", " + stop + ")");
        }
        return start + randbelow(width);
    }

    /** Python's {@code shuffle(x)}: Fisher-Yates from the end, in place. */
    public <T> void shuffle(List<T> x) {
        for (int i = x.size() - 1; i > 0; i--) {
            int j = (int) randbelow(i + 1L);
            T tmp = x.get(i);
            x.set(i, x.get(j));
            x.set(j, tmp);
        }
    }

    /**
     * Python's {@code sample(population, k)}: k distinct positions in selection order. Like CPython it keeps a
     * pool list when the population is no larger than a k-element set would be ({@link #usesPool(int, int)}),
     * otherwise it redraws positions already selected; the two use the generator differently, so the choice matters.
     */
    public <T> List<T> sample(List<T> population, int k) {
        int n = population.size();
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("Sample larger than population or is negative: k=" + k + ", n=" + n);
        }
        List<T> result = new ArrayList<>(k);
        if (usesPool(n, k)) {
            List<T> pool = new ArrayList<>(population);
            for (int i = 0; i < k; i++) {
                int j = (int) randbelow(n - i);
                result.add(pool.get(j));
                pool.set(j, pool.get(n - i - 1)); // move a non-selected item into the vacancy
            }
        } else {
            Set<Integer> selected = new HashSet<>();
            for (int i = 0; i < k; i++) {
                int j = (int) randbelow(n);
                while (selected.contains(j)) {
                    j = (int) randbelow(n);
                }
                selected.add(j);
                result.add(population.get(j));
            }
        }
        return result;
    }

    /**
     * Whether {@code sample} of k from n takes CPython's pool branch: {@code n <= setsize} with
     * {@code setsize = 21 + (k > 5 ? 4 ** ceil(log(3k, 4)) : 0)}, {@code log(x, 4)} computed as
     * {@code log(x) / log(4)} as Python's {@code math.log} does.
     */
    public static boolean usesPool(int n, int k) {
        long setsize = 21;
        if (k > 5) {
            double exponent = Math.ceil(StrictMath.log(k * 3.0) / StrictMath.log(4.0));
            setsize += (long) Math.pow(4, exponent);
        }
        return n <= setsize;
    }
}
