package dev.wafer.domain.data;

import java.util.SplittableRandom;

/** Seeded synthetic English-like text: Zipf-distributed words from a fixed vocabulary, with punctuation. */
final class TestText {
    private final String[] vocab;
    private final double[] cumulative;
    private final SplittableRandom random;

    TestText(long seed, int vocabSize) {
        this.random = new SplittableRandom(seed);
        SplittableRandom wordRandom = new SplittableRandom(42);
        vocab = new String[vocabSize];
        cumulative = new double[vocabSize];
        double total = 0;
        for (int i = 0; i < vocabSize; i++) {
            StringBuilder w = new StringBuilder();
            int len = 2 + wordRandom.nextInt(8);
            for (int k = 0; k < len; k++) {
                w.append((char) ('a' + wordRandom.nextInt(26)));
            }
            vocab[i] = w.toString();
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        for (int i = 0; i < vocabSize; i++) {
            cumulative[i] /= total;
        }
    }

    String word() {
        double u = random.nextDouble();
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
        return vocab[lo];
    }

    String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(random.nextInt(12) == 0 ? ", " : " ");
            }
            sb.append(word());
            if (random.nextInt(15) == 0) {
                sb.append('.');
            }
        }
        return sb.toString();
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Changes case, punctuation and whitespace, and substitutes {@code substitutions} words. */
    String lightlyEdit(String text, int substitutions) {
        String[] words = text.split(" ");
        for (int k = 0; k < substitutions; k++) {
            int i = random.nextInt(words.length);
            words[i] = word();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String w = words[i].replace(",", "").replace(".", ";");
            if (random.nextInt(5) == 0) {
                w = w.toUpperCase(java.util.Locale.ROOT);
            }
            sb.append(i == 0 ? "" : random.nextInt(4) == 0 ? "\n  " : " ").append(w);
        }
        return sb.toString();
    }
}
