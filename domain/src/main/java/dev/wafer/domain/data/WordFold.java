package dev.wafer.domain.data;

import java.util.Arrays;

/**
 * The case fold of the word rule ({@link WordShingles}): a letter or digit stands for what lower-casing each letter of
 * its upper case gives (full case mappings, the upper case taken as NFC text has it, combining marks dropped as the
 * word rule drops them, folded again until it stays the same), and the final sigma {@code ς} for {@code σ}. So
 * {@code ß}, {@code ẞ} and {@code SS} are all {@code ss}, {@code ﬁ} is {@code fi}, {@code ᾳ} is {@code αι}, and an
 * upper-cased copy of a text has the same words as the text.
 *
 * <p>This is Unicode full case folding (CPython's {@code str.casefold()}, checked over all code points by
 * {@code WordFoldTest}) except: a lower-case letter whose capital has no precomposed form folds as its capital does
 * ({@code ᾶ} upper-cases to {@code Α} and a mark, so it is {@code α}; likewise {@code ΐ} is {@code ϊ}, {@code ǰ} is
 * {@code j}, 26 letters in all), the dotless {@code ı} is {@code i} (its capital is {@code I}), Cherokee folds to
 * lower case where CPython folds to upper case (the same letters fall together), and seven Greek letters with oxia
 * that NFC never leaves in text fold as their tonos forms.
 *
 * <p>Most letters fold to {@code Character.toLowerCase}; the 139 that do not are listed here (generated from the
 * definition, which the test recomputes from the JDK's case mappings), so the shingle hashes do not depend on the JDK's
 * special casing and the hot loop pays one array read per non-ASCII letter.
 */
final class WordFold {
    /** "cp fold...", comma-separated, in hex, ascending: each letter whose fold is not its simple lower case. */
    private static final String TABLE =
            "00b5 03bc,00df 0073 0073,0131 0069,0149 02bc 006e,017f 0073,01f0 006a,0390 03ca,03b0 03cb,"
            + "03c2 03c3,03d0 03b2,03d1 03b8,03d5 03c6,03d6 03c0,03f0 03ba,03f1 03c1,03f5 03b5,0587 0565 0582,"
            + "1c80 0432,1c81 0434,1c82 043e,1c83 0441,1c84 0442,1c85 0442,1c86 044a,1c87 0463,1c88 a64b,"
            + "1e96 0068,1e97 0074,1e98 0077,1e99 0079,1e9a 0061 02be,1e9b 1e61,1e9e 0073 0073,1f50 03c5,"
            + "1f52 03c5,1f54 03c5,1f56 03c5,1f71 03ac,1f73 03ad,1f75 03ae,1f77 03af,1f79 03cc,1f7b 03cd,"
            + "1f7d 03ce,1f80 1f00 03b9,1f81 1f01 03b9,1f82 1f02 03b9,1f83 1f03 03b9,1f84 1f04 03b9,"
            + "1f85 1f05 03b9,1f86 1f06 03b9,1f87 1f07 03b9,1f88 1f00 03b9,1f89 1f01 03b9,1f8a 1f02 03b9,"
            + "1f8b 1f03 03b9,1f8c 1f04 03b9,1f8d 1f05 03b9,1f8e 1f06 03b9,1f8f 1f07 03b9,1f90 1f20 03b9,"
            + "1f91 1f21 03b9,1f92 1f22 03b9,1f93 1f23 03b9,1f94 1f24 03b9,1f95 1f25 03b9,1f96 1f26 03b9,"
            + "1f97 1f27 03b9,1f98 1f20 03b9,1f99 1f21 03b9,1f9a 1f22 03b9,1f9b 1f23 03b9,1f9c 1f24 03b9,"
            + "1f9d 1f25 03b9,1f9e 1f26 03b9,1f9f 1f27 03b9,1fa0 1f60 03b9,1fa1 1f61 03b9,1fa2 1f62 03b9,"
            + "1fa3 1f63 03b9,1fa4 1f64 03b9,1fa5 1f65 03b9,1fa6 1f66 03b9,1fa7 1f67 03b9,1fa8 1f60 03b9,"
            + "1fa9 1f61 03b9,1faa 1f62 03b9,1fab 1f63 03b9,1fac 1f64 03b9,1fad 1f65 03b9,1fae 1f66 03b9,"
            + "1faf 1f67 03b9,1fb2 1f70 03b9,1fb3 03b1 03b9,1fb4 03ac 03b9,1fb6 03b1,1fb7 03b1 03b9,1fbb 03ac,"
            + "1fbc 03b1 03b9,1fbe 03b9,1fc2 1f74 03b9,1fc3 03b7 03b9,1fc4 03ae 03b9,1fc6 03b7,1fc7 03b7 03b9,"
            + "1fc9 03ad,1fcb 03ae,1fcc 03b7 03b9,1fd2 03ca,1fd3 03ca,1fd6 03b9,1fd7 03ca,1fdb 03af,1fe2 03cb,"
            + "1fe3 03cb,1fe4 03c1,1fe6 03c5,1fe7 03cb,1feb 03cd,1ff2 1f7c 03b9,1ff3 03c9 03b9,1ff4 03ce 03b9,"
            + "1ff6 03c9,1ff7 03c9 03b9,1ff9 03cc,1ffb 03ce,1ffc 03c9 03b9,fb00 0066 0066,fb01 0066 0069,"
            + "fb02 0066 006c,fb03 0066 0066 0069,fb04 0066 0066 006c,fb05 0073 0074,fb06 0073 0074,"
            + "fb13 0574 0576,fb14 0574 0565,fb15 0574 056b,fb16 057e 0576,fb17 0574 056d";

    private static final int[] KEYS;
    private static final int[][] FOLDS;
    /** Bit per code point below the last key: set for the keys. */
    private static final long[] SPECIAL;

    static {
        String[] entries = TABLE.split(",");
        KEYS = new int[entries.length];
        FOLDS = new int[entries.length][];
        for (int i = 0; i < entries.length; i++) {
            String[] hex = entries[i].split(" ");
            KEYS[i] = Integer.parseInt(hex[0], 16);
            FOLDS[i] = new int[hex.length - 1];
            for (int j = 1; j < hex.length; j++) {
                FOLDS[i][j - 1] = Integer.parseInt(hex[j], 16);
            }
        }
        SPECIAL = new long[(KEYS[KEYS.length - 1] >>> 6) + 1];
        for (int cp : KEYS) {
            SPECIAL[cp >>> 6] |= 1L << cp;
        }
    }

    private WordFold() {
    }

    /** Whether {@code cp} (a letter or digit) folds to something other than {@code Character.toLowerCase(cp)}. */
    static boolean isSpecial(int cp) {
        int word = cp >>> 6;
        return word < SPECIAL.length && (SPECIAL[word] & (1L << cp)) != 0;
    }

    /** The fold of a special code point ({@link #isSpecial}) as code points; shared, so never modify it. */
    static int[] special(int cp) {
        return FOLDS[Arrays.binarySearch(KEYS, cp)];
    }

    /** The fold of a letter or digit, as code points (a fresh array). */
    static int[] of(int cp) {
        return isSpecial(cp) ? special(cp).clone() : new int[] {Character.toLowerCase(cp)};
    }
}
