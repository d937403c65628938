package dev.wafer.app.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.app.data.ByteTokenizer;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.StudyData;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The muP coordinate check as a test (reference-facts 3.2 and pain point 4): widths 32 to 256, two blocks, a fixed
 * batch of byte-tokenized text, Adam at a constant lr of 3e-3 (five times SP's training rate for such models, the
 * microsoft/mup tip to expose blow-ups). After a few steps every hidden layer output (each block's attention and MLP)
 * must stay within a factor of 2 from the smallest to the largest width under muP, and grow clearly under SP.
 */
class CoordinateCheckPropertyTest {
    private static final List<Integer> WIDTHS = List.of(32, 64, 128, 256);
    private static final double LR = 3e-3;
    private static final int STEPS = 5;

    @Test
    void mupKeepsHiddenActivationsFlatInWidthAndSpDoesNot() {
        CoordinateCheck.Result mup = run(ParameterisationKind.MUP);
        CoordinateCheck.Result sp = run(ParameterisationKind.SP);
        StringBuilder report = new StringBuilder();
        double spLogGrowth = 0;
        int hidden = 0;
        for (String layer : mup.layers()) {
            if (!layer.startsWith("block")) {
                continue;
            }
            hidden++;
            for (int t = 3; t <= STEPS; t++) {
                double m = ratio(mup, layer, t);
                report.append(String.format(Locale.ROOT, "%s step %d: muP %.2fx, SP %.2fx%n", layer, t, m,
                        ratio(sp, layer, t)));
                assertTrue(m < 2 && m > 0.5, "muP " + layer + " at step " + t + " changes by " + m
                        + "x from width 32 to 256:\n" + report);
            }
            double s = ratio(sp, layer, STEPS);
            assertTrue(s > 4, "SP " + layer + " grows only " + s + "x from width 32 to 256:\n" + report);
            spLogGrowth += Math.log(s);
        }
        assertEquals(4, hidden);
        // SP's hidden outputs grow by an order of magnitude on average over the 8x width range.
        assertTrue(Math.exp(spLogGrowth / hidden) > 10, report.toString());
        // The embedding output does not depend on width in either parameterisation.
        assertTrue(Math.abs(ratio(mup, "embedding", STEPS) - 1) < 0.2);
        assertTrue(Math.abs(ratio(sp, "embedding", 1) - 1) < 0.2);
    }

    private static double ratio(CoordinateCheck.Result r, String layer, int step) {
        double[] c = r.curve(layer, step);
        return c[c.length - 1] / c[0];
    }

    private static CoordinateCheck.Result run(ParameterisationKind kind) {
        CoordinateCheck.Settings settings = new CoordinateCheck.Settings(kind, WIDTHS, 2, 16, 32, 4, STEPS, LR, 1, 3,
                AdamWSettings.cerebras(1e-8));
        try (ComputeBackend backend = new CpuBackend(2, true)) {
            return CoordinateCheck.run(backend, TextData.pseudoEnglish(5), settings,
                    dev.wafer.domain.study.StudyListener.NONE);
        }
    }

    /** Seeded pseudo-English (words drawn from a fixed list) as byte tokens: text-like statistics, no files. */
    static final class TextData implements StudyData {
        private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are"
                + " or his from at which but have an they you were her she all there would their we him been has when"
                + " who will more no if out so said what up its about into than them can only other new some could"
                + " time these two may then do first any my now such like our over man me even most made after also"
                + " did many before must through back years where much your way well down should because each just"
                + " those people how too little state good very make world still own see men work long get here"
                + " between both life being under never day same another know while last might us great old year off"
                + " come since against go came right used take three").split(" ");
        private final int[] tokens;

        private TextData(int[] tokens) {
            this.tokens = tokens;
        }

        static TextData pseudoEnglish(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            StringBuilder text = new StringBuilder();
            while (text.length() < 200_000) {
                int words = 5 + rnd.nextInt(15);
                for (int w = 0; w < words; w++) {
                    String word = WORDS[(int) Math.min(WORDS.length - 1, Math.abs(rnd.nextGaussian()) * 40)];
                    text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                    text.append(w == words - 1 ? ". " : " ");
                }
            }
            return new TextData(new ByteTokenizer().encode(text.toString()));
        }

        @Override
        public TokenBatchSource training(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            return (in, tg, b, t) -> {
                for (int r = 0; r < b; r++) {
                    int start = rnd.nextInt(tokens.length - t - 1);
                    System.arraycopy(tokens, start, in, r * t, t);
                    System.arraycopy(tokens, start + 1, tg, r * t, t);
                }
            };
        }

        @Override
        public TokenBatchSource validation() {
            return training(-1);
        }

        @Override
        public int vocabSize() {
            return ByteTokenizer.VOCAB_SIZE;
        }

        @Override
        public String description() {
            return "seeded pseudo-English, bytes";
        }
    }
}
