package dev.wafer.domain.data;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Hashed word n-gram shingles, the unit of work fingerprints and of the membership audit.
 *
 * <p>Words are maximal runs of letters and digits, case-folded ({@code WordFold}: full case folding, so
 * {@code STRASSE} = {@code straße} and {@code ΚΌΣΜΟΣ} = {@code κόσμος}); apostrophes inside words are dropped
 * ({@code don't} = {@code dont}), combining marks and format characters (category Cf: soft hyphen, zero-width space
 * and joiners, ...) are skipped, and every other character separates words. So whitespace, case, punctuation and
 * invisible characters do not change the shingles. Each word is hashed (64-bit FNV-1a over its
 * folded code points) and each run of {@code n} consecutive word hashes is combined into one 64-bit shingle hash. The
 * hash functions are fixed: fingerprint files and audit indexes store these values (format version 1; the fold
 * replaced simple lower-casing on 2026-12-08, which changed the hashes of words with the letters it folds otherwise,
 * such as {@code ß}, {@code ς} and ligatures; skipping format characters, since 2026-12-07, changed the hashes of
 * texts with one between two letters or digits, in both rules).
 */
public final class WordShingles {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long COMBINE = 0x9E3779B97F4A7C15L;

    /** For each ASCII character: its lower case when it is a letter or digit, else 0. */
    private static final char[] ASCII_WORD = new char[0x80];

    static {
        for (char c = 0; c < 0x80; c++) {
            ASCII_WORD[c] = Character.isLetterOrDigit(c) ? (char) Character.toLowerCase(c) : 0;
        }
    }

    private final int n;
    private final boolean fold;

    /**
     * A shingler of {@code n}-word shingles whose words are case-folded ({@code WordFold}): near deduplication and
     * work fingerprints.
     *
     * @param n words per shingle, at least 1
     */
    public WordShingles(int n) {
        this(n, true);
    }

    private WordShingles(int n, boolean fold) {
        if (n < 1) {
            throw new IllegalArgumentException("shingle size must be at least 1 word, got " + n);
        }
        this.n = n;
        this.fold = fold;
    }

    /**
     * A shingler of {@code n}-word shingles whose words are lower-cased one letter at a time, the rule before
     * 2026-12-08 ({@code Character.toLowerCase}: {@code ς} and {@code σ} differ, {@code ß} is not {@code ss}): the
     * membership audit's index and its queries. Why: the audit index is part of every prepared dataset, the
     * embedded sample's included, and its checksum is in the manifest digests that checkpoints of earlier builds
     * recorded as the data's identity (still accepted); folding there would make every dataset prepared before that
     * day audit wrongly and every such run on the sample fail to resume on a sample prepared again.
     *
     * @param n words per shingle, at least 1
     * @return the shingler
     */
    public static WordShingles letterwise(int n) {
        return new WordShingles(n, false);
    }

    /** Words per shingle. */
    public int size() {
        return n;
    }

    /** Number of words in the text, by the same word rule as the shingles. */
    public static int countWords(String text) {
        int[] count = {0};
        forEachWordHash(text, false, h -> count[0]++); // the fold changes no word boundary
        return count[0];
    }

    /** Calls {@code sink} with each shingle hash in text order (duplicates included). */
    public void forEach(String text, LongConsumer sink) {
        long[] ring = new long[n];
        int[] state = {0, 0}; // next ring slot (also the oldest word once full), words seen up to n
        forEachWordHash(text, fold, wordHash -> {
            int slot = state[0];
            ring[slot] = wordHash;
            slot = slot + 1 == n ? 0 : slot + 1;
            state[0] = slot;
            if (state[1] < n) {
                state[1]++;
            }
            if (state[1] == n) {
                sink.accept(combine(ring, slot));
            }
        });
    }

    /** The distinct shingle hashes of the text, sorted ascending. */
    public long[] distinct(String text) {
        long[] buf = new long[Math.max(16, text.length() / 5)];
        int[] size = {0};
        long[][] holder = {buf};
        forEach(text, h -> {
            if (size[0] == holder[0].length) {
                holder[0] = Arrays.copyOf(holder[0], holder[0].length * 2);
            }
            holder[0][size[0]++] = h;
        });
        long[] all = Arrays.copyOf(holder[0], size[0]);
        Arrays.sort(all);
        int unique = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[i - 1]) {
                all[unique++] = all[i];
            }
        }
        return Arrays.copyOf(all, unique);
    }

    private long combine(long[] ring, int oldest) {
        long h = 0;
        int at = oldest;
        for (int j = 0; j < n; j++) {
            h = h * COMBINE + ring[at];
            at = at + 1 == n ? 0 : at + 1;
        }
        return mix(h ^ n);
    }

    /** Murmur3's 64-bit finaliser: spreads the combined hash over all bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * Characters that neither end nor start a word: combining accents belong to the word, and format characters
     * (category Cf: soft hyphen, zero-width space and joiners, word joiner, byte order mark...) are invisible, so a
     * text with them in its words has the words it shows (until 2026-12-07 they split them).
     */
    private static boolean skipped(int type) {
        return type == Character.NON_SPACING_MARK || type == Character.FORMAT;
    }

    private static void forEachWordHash(String text, boolean fold, LongConsumer sink) {
        long h = FNV_OFFSET;
        boolean inWord = false;
        int len = text.length();
        int i = 0;
        while (i < len) {
            char c = text.charAt(i);
            if (c < 0x80) {
                // ASCII without the Unicode tables: letters and digits (lower-cased), the apostrophe, separators.
                i++;
                int lower = ASCII_WORD[c];
                if (lower != 0) {
                    h = (h ^ lower) * FNV_PRIME;
                    inWord = true;
                } else if (inWord && c != '\'') {
                    sink.accept(h);
                    h = FNV_OFFSET;
                    inWord = false;
                }
                continue;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (fold && WordFold.isSpecial(cp)) {
                    for (int folded : WordFold.special(cp)) {
                        h = (h ^ folded) * FNV_PRIME;
                    }
                } else {
                    h = (h ^ Character.toLowerCase(cp)) * FNV_PRIME;
                }
                inWord = true;
            } else if (inWord && (cp == '\'' || cp == '\u2019') ) {
                continue; // apostrophe inside a word: same word either way
            } else if (skipped(Character.getType(cp))) {
                continue;
            } else if (inWord) {
                sink.accept(h);
                h = FNV_OFFSET;
                inWord = false;
            }
        }
        if (inWord) {
            sink.accept(h);
        }
    }
}
