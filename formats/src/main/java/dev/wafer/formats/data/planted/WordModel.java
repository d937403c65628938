package dev.wafer.formats.data.planted;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded model of English-like text: a vocabulary of a few thousand pronounceable words drawn with Zipf
 * frequencies, and topics, each favouring its own few hundred words, so documents of one topic share much
 * vocabulary yet rarely a run of five words.
 */
final class WordModel {
    private static final String[] ONSETS = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
        "v", "w", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr", "sp", "str"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "ou", "io"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "rt"};

    final String[] words;
    private final double[] cumulative;
    private final int[][] topicWords;

    WordModel(long seed, int vocabulary, int topics, int wordsPerTopic) {
        SplittableRandom r = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        words = new String[vocabulary];
        int n = 0;
        while (n < vocabulary) {
            StringBuilder w = new StringBuilder();
            int syllables = 1 + r.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                w.append(ONSETS[r.nextInt(ONSETS.length)]).append(VOWELS[r.nextInt(VOWELS.length)]);
            }
            w.append(CODAS[r.nextInt(CODAS.length)]);
            if (seen.add(w.toString())) {
                words[n++] = w.toString();
            }
        }
        cumulative = new double[vocabulary];
        double sum = 0;
        for (int i = 0; i < vocabulary; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        for (int i = 0; i < vocabulary; i++) {
            cumulative[i] /= sum;
        }
        topicWords = new int[topics][wordsPerTopic];
        for (int t = 0; t < topics; t++) {
            for (int i = 0; i < wordsPerTopic; i++) {
                topicWords[t][i] = 50 + r.nextInt(vocabulary - 50); // topic words are rarer than the commonest 50
            }
        }
    }

    int topics() {
        return topicWords.length;
    }

    /** One word: from the topic's list half of the time, else from the whole Zipf vocabulary. */
    String word(SplittableRandom r, int topic) {
        if (r.nextBoolean()) {
            int[] list = topicWords[topic];
            // Zipf-like inside the topic too: the square of a uniform favours the first words.
            double u = r.nextDouble();
            return words[list[(int) (u * u * list.length)]];
        }
        double u = r.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return words[lo];
    }

    /** A sentence of 6 to 20 words, capitalised, ending in a full stop (sometimes a comma inside). */
    String sentence(SplittableRandom r, int topic) {
        int n = 6 + r.nextInt(15);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String w = word(r, topic);
            if (i == 0) {
                b.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            } else {
                b.append(' ').append(w);
            }
            if (i > 2 && i < n - 2 && r.nextInt(12) == 0) {
                b.append(',');
            }
        }
        return b.append('.').toString();
    }
}
