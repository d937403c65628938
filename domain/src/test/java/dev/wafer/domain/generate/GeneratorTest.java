package dev.wafer.domain.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static final int EOT = 9;

    /** A "model" whose most likely next token is (last token + 1) mod 10, recording every call it gets. */
    private static final class CountingModel implements NextTokenLogits {
        final List<String> calls = new ArrayList<>();
        private final int maxLength;
        private int length;

        CountingModel(int maxLength) {
            this.maxLength = maxLength;
        }

        @Override
        public float[] reset(int[] prompt) {
            calls.add("reset" + prompt.length);
            length = prompt.length;
            return logitsAfter(prompt[prompt.length - 1]);
        }

        @Override
        public float[] next(int token) {
            calls.add("next" + token);
            length++;
            if (length > maxLength) {
                throw new IllegalStateException("position " + length + " beyond the cache");
            }
            return logitsAfter(token);
        }

        @Override
        public int maxSequenceLength() {
            return maxLength;
        }

        private static float[] logitsAfter(int token) {
            float[] l = new float[10];
            l[(token + 1) % 10] = 5;
            return l;
        }
    }

    @Test
    void greedyGenerationStreamsEachTokenAndFeedsItBackOnce() {
        CountingModel model = new CountingModel(100);
        List<Integer> streamed = new ArrayList<>();
        GenerationResult r = new Generator(SamplingSettings.greedy(), 20, EOT).generate(model, new int[] {4, 5}, streamed::add);
        assertArrayEquals(new int[] {6, 7, 8}, r.tokens());
        assertEquals(StopReason.END_OF_TEXT, r.reason());
        assertEquals(List.of(6, 7, 8), streamed);
        // One prompt pass, then one single-position step per new token (the end-of-text token is not fed).
        assertEquals(List.of("reset2", "next6", "next7", "next8"), model.calls);
    }

    @Test
    void stopsAtMaxTokensWithoutAnExtraStep() {
        CountingModel model = new CountingModel(100);
        GenerationResult r = new Generator(SamplingSettings.greedy(), 2, EOT).generate(model, new int[] {0}, t -> { });
        assertArrayEquals(new int[] {1, 2}, r.tokens());
        assertEquals(StopReason.MAX_TOKENS, r.reason());
        assertEquals(List.of("reset1", "next1"), model.calls);
        assertEquals(0, new Generator(SamplingSettings.greedy(), 0, EOT).generate(model, new int[] {0}, t -> { }).tokens().length);
    }

    /** The context caps what is allocated: an array of maxNewTokens ints used to be (out of memory at 2^31 - 1). */
    @Test
    void aHugeMaxTokensAllocatesOnlyTheContextsWorth() {
        CountingModel model = new CountingModel(5);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        GenerationResult r = new Generator(SamplingSettings.greedy(), 100_000_000, 99)
                .generate(model, new int[] {0, 1}, t -> { });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
        assertArrayEquals(new int[] {2, 3, 4, 5}, r.tokens());
        assertEquals(StopReason.CONTEXT_FULL, r.reason());
        r = new Generator(SamplingSettings.greedy(), 100_000_000, 99).generate(new CountingModel(2),
                new int[] {0, 1}, t -> { });
        assertArrayEquals(new int[] {2}, r.tokens(), "a full prompt still gets its one token");
    }

    @Test
    void stopsWhenTheContextIsFull() {
        CountingModel model = new CountingModel(5);
        GenerationResult r = new Generator(SamplingSettings.greedy(), 50, 99).generate(model, new int[] {0, 1}, t -> { });
        assertArrayEquals(new int[] {2, 3, 4, 5}, r.tokens());
        assertEquals(StopReason.CONTEXT_FULL, r.reason());
        assertEquals(List.of("reset2", "next2", "next3", "next4"), model.calls, "the fifth position is fed, no sixth");
        assertThrows(IllegalArgumentException.class,
                () -> new Generator(SamplingSettings.greedy(), 5, EOT).generate(new CountingModel(2), new int[] {1, 2, 3}, t -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> new Generator(SamplingSettings.greedy(), 5, EOT).generate(model, new int[0], t -> { }));
    }

    /**
     * The same rule for every prompt length: a context of L positions grows any prompt of P <= L tokens to L + 1
     * tokens, L - P + 1 new ones. With L = 64, prompts of 61, 62 and 63 tokens got 3, 2 and 1 (to 64 in all) while
     * one of 64 got 1 (to 65).
     */
    @Test
    void everyPromptGrowsToOneMoreThanTheContext() {
        for (int p = 1; p <= 64; p++) {
            CountingModel model = new CountingModel(64);
            GenerationResult r = new Generator(SamplingSettings.greedy(), 1000, 99).generate(model, new int[p],
                    t -> { });
            assertEquals(64 - p + 1, r.tokens().length, "prompt of " + p);
            assertEquals(StopReason.CONTEXT_FULL, r.reason(), "prompt of " + p);
            GenerationResult capped = new Generator(SamplingSettings.greedy(), 64 - p + 1, 99).generate(
                    new CountingModel(64), new int[p], t -> { });
            assertEquals(StopReason.MAX_TOKENS, capped.reason(), "exactly the context's worth asked for: " + p);
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        SamplingSettings s = new SamplingSettings(5.0, 0, 1, 31337L);
        int[] a = new Generator(s, 30, 99).generate(new CountingModel(100), new int[] {0}, t -> { }).tokens();
        int[] b = new Generator(s, 30, 99).generate(new CountingModel(100), new int[] {0}, t -> { }).tokens();
        assertArrayEquals(a, b, "seed 31337");
    }
}
