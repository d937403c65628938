package dev.wafer.formats.data;

/**
 * The CRC of two byte strings joined, from each one's CRC and the second one's length (zlib's {@code crc32_combine},
 * by multiplying with powers of the CRC's shift operator over GF(2)), so a file written in pieces by several ranks
 * gets the checksum one writer computes over it, without anyone reading it again. Works for the reflected CRCs
 * with all-ones initial value and final xor: CRC-32 ({@link #CRC32}) and CRC-32C ({@link #CRC32C}).
 */
final class CrcCombine {
    /** java.util.zip.CRC32's polynomial, reflected. */
    static final CrcCombine CRC32 = new CrcCombine(0xEDB88320);
    /** java.util.zip.CRC32C's polynomial, reflected. */
    static final CrcCombine CRC32C = new CrcCombine(0x82F63B78);

    /** The operator that appends one zero byte, then 2, 4, 8 ... zero bytes: 64 squarings cover any length. */
    private final int[][] zeros = new int[64][];

    private CrcCombine(int polynomial) {
        int[] oneBit = new int[32];
        oneBit[0] = polynomial;
        int row = 1;
        for (int n = 1; n < 32; n++) {
            oneBit[n] = row;
            row <<= 1;
        }
        // Appending one zero bit is oneBit; two bits, four bits, then one byte (eight bits).
        int[] two = square(oneBit);
        int[] four = square(two);
        zeros[0] = square(four);
        for (int i = 1; i < zeros.length; i++) {
            zeros[i] = square(zeros[i - 1]);
        }
    }

    /**
     * @param crcA    the CRC of the first string (unsigned 32 bits)
     * @param crcB    the CRC of the second string
     * @param lengthB the second string's length in bytes
     * @return the CRC of the two joined
     */
    long combine(long crcA, long crcB, long lengthB) {
        if (lengthB < 0) {
            throw new IllegalArgumentException("negative length " + lengthB);
        }
        int crc = (int) crcA;
        for (int i = 0; lengthB != 0; i++, lengthB >>>= 1) {
            if ((lengthB & 1) != 0) {
                crc = times(zeros[i], crc);
            }
        }
        return Integer.toUnsignedLong(crc ^ (int) crcB);
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static int[] square(int[] matrix) {
        int[] result = new int[32];
        for (int n = 0; n < 32; n++) {
            result[n] = times(matrix, matrix[n]);
        }
        return result;
    }
}
