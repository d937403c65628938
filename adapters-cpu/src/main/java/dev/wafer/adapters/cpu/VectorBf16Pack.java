package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops of {@link Bf16Pack}: the same integer rounding as {@link Bf16Pack#bits(float)} lane-wise
 * (only exact integer and float additions, so the bits never depend on the execution mode), with scalar tails.
 * Loaded only when the incubator module is present.
 */
final class VectorBf16Pack {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            jdk.incubator.vector.VectorShape.forBitSize(I.vectorBitSize() / 2));
    private static final int L = I.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorBf16Pack() {
    }

    /** {@code dst[dOff + 2j] = bf16(src[s + j])} for {@code j < n}. */
    static void pack(float[] src, int s, MemorySegment dst, long dOff, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            IntVector bits = FloatVector.fromArray(F, src, s + j).reinterpretAsInts();
            IntVector rounded = bits.add(0x7FFF).add(bits.lanewise(VectorOperators.LSHR, 16).and(1))
                    .lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            rounded = rounded.blend(bits.lanewise(VectorOperators.LSHR, 16).or(0x40), nan);
            ShortVector packed = (ShortVector) rounded.convertShape(VectorOperators.I2S, S, 0);
            packed.intoMemorySegment(dst, dOff + 2L * j, ORDER);
        }
        for (; j < n; j++) {
            dst.set(JAVA_SHORT_UNALIGNED, dOff + 2L * j, Bf16Pack.bits(src[s + j]));
        }
    }

    /**
     * {@code dst[d + j] = src[s + j]} rounded to bf16 and kept as float32, the bits of {@link Rounding}'s bf16
     * case (a NaN is passed through unchanged).
     */
    static void round(float[] src, int s, float[] dst, int d, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector x = FloatVector.fromArray(F, src, s + j);
            IntVector bits = x.reinterpretAsInts();
            IntVector rounded = bits.add(0x7FFF).add(bits.lanewise(VectorOperators.LSHR, 16).and(1))
                    .and(0xFFFF0000);
            FloatVector r = rounded.reinterpretAsFloats();
            r.blend(x, x.test(VectorOperators.IS_NAN)).intoArray(dst, d + j);
        }
        Rounding.roundRange(dev.wafer.ports.compute.OperandFormat.BF16, src, s + j, dst, d + j, n - j);
    }

    /**
     * {@code dst[d + j] = widen(src[sOff + 2j])} for {@code j < n}, on the calling thread: the bf16 bits shifted into
     * the upper half of a float32, exactly {@link Bf16Values#widen(short)}.
     */
    static void widen(MemorySegment src, long sOff, float[] dst, int d, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            ((IntVector) ShortVector.fromMemorySegment(S, src, sOff + 2L * j, ORDER)
                    .convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, d + j);
        }
        for (; j < n; j++) {
            dst[d + j] = Bf16Values.widen(src.get(JAVA_SHORT_UNALIGNED, sOff + 2L * j));
        }
    }

    /** {@code c[ci + j] = src[row + 4j] + bias[b + j]} for {@code j < n}. */
    static void plusBias(MemorySegment src, long row, float[] bias, int b, float[] c, int ci, int n) {
        int j = 0;
        for (; j <= n - F.length(); j += F.length()) {
            FloatVector.fromMemorySegment(F, src, row + 4L * j, ORDER).add(FloatVector.fromArray(F, bias, b + j))
                    .intoArray(c, ci + j);
        }
        for (; j < n; j++) {
            c[ci + j] = src.get(JAVA_FLOAT_UNALIGNED, row + 4L * j) + bias[b + j];
        }
    }

    /** {@code c[ci + j] += src[row + 4j]} for {@code j < n}. */
    static void add(MemorySegment src, long row, float[] c, int ci, int n) {
        int j = 0;
        for (; j <= n - F.length(); j += F.length()) {
            FloatVector.fromArray(F, c, ci + j).add(FloatVector.fromMemorySegment(F, src, row + 4L * j, ORDER))
                    .intoArray(c, ci + j);
        }
        for (; j < n; j++) {
            c[ci + j] += src.get(JAVA_FLOAT_UNALIGNED, row + 4L * j);
        }
    }
}
