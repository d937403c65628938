package dev.wafer.suite.support;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import dev.wafer.domain.study.StudyData;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * Seeded pseudo-English (words drawn from a fixed list with a skewed frequency) as byte tokens (ids 0-255, plus an
 * unused end-of-text id 256, as the CLI's byte tokenizer counts them): text-like statistics without files or a
 * tokenizer adapter.
 */
public final class PseudoEnglish implements StudyData {
    /** 256 byte values plus end-of-text. */
    public static final int VOCAB_SIZE = 257;
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are"
            + " or his from at which but have an they you were her she all there would their we him been has when"
            + " who will more no if out so said what up its about into than them can only other new some could"
            + " time these two may then do first any my now such like our over man me even most made after also"
            + " did many before must through back years where much your way well down should because each just"
            + " those people how too little state good very make world still own see men work long get here"
            + " between both life being under never day same another know while last might us great old year off"
            + " come since against go came right used take three").split(" ");
    private final int[] tokens;
    private final long seed;

    private PseudoEnglish(int[] tokens, long seed) {
        this.tokens = tokens;
        this.seed = seed;
    }

    /** About 200,000 bytes of sentences drawn from {@code seed}. */
    public static PseudoEnglish generate(long seed) {
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
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return new PseudoEnglish(ids, seed);
    }

    @Override
    public TokenBatchSource training(long orderSeed) {
        SplittableRandom rnd = new SplittableRandom(orderSeed);
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
        return VOCAB_SIZE;
    }

    @Override
    public String description() {
        return "seeded pseudo-English (seed " + seed + "), bytes";
    }
}
