package dev.wafer.formats.hf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Random GPT-2 checkpoints for tests. */
final class TinyGpt2 {
    private TinyGpt2() {
    }

    static Gpt2Config config(boolean tied, MupMultipliers mup) {
        return new Gpt2Config(8, 2, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU_NEW, tied, "GPT2LMHeadModel", mup);
    }

    static Gpt2Checkpoint random(Gpt2Config config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        Gpt2Layout.expectedShapes(config).forEach((name, shape) -> {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] data = new float[n];
            boolean lnWeight = name.contains("ln_") && name.endsWith("weight");
            for (int i = 0; i < n; i++) {
                data[i] = (float) (lnWeight ? 1 + 0.1 * rng.nextGaussian() : 0.3 * rng.nextGaussian());
            }
            tensors.put(name, new FloatTensor(shape, data));
        });
        return new Gpt2Checkpoint(config, tensors);
    }
}
