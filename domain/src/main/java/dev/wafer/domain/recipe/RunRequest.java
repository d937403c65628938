package dev.wafer.domain.recipe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user asks of a training run, setting by setting as given; {@code null} (or {@code false}) is "not given",
 * so that the recipe can tell a preset's value from an override and a resume can refuse what a checkpoint fixes.
 *
 * @param preset             a preset name ({@code --preset})
 * @param shape              shape overrides
 * @param parameterisation   {@code sp} or {@code mup}
 * @param steps              optimizer steps of a run without a preset
 * @param lr                 peak learning rate
 * @param warmup             warm-up steps
 * @param decay              {@code linear} or {@code cosine}
 * @param batchTokens        tokens per optimizer step
 * @param microBatch         sequences per forward/backward pass
 * @param precision          {@code fp32}, {@code bf16} or {@code fp16}
 * @param eps                Adam epsilon
 * @param seed               seed of initialisation and data order
 * @param synthetic          train on seeded random tokens
 * @param fp32AttentionGrads keep attention gradients in fp32 in a 16-bit run
 * @param skipNonFinite      skip steps with a non-finite loss or gradient
 * @param mup                the muP triple's overrides
 */
public record RunRequest(String preset, Shape shape, String parameterisation, Long steps, Double lr, Long warmup,
                         String decay, Long batchTokens, Integer microBatch, String precision, Double eps, Long seed,
                         boolean synthetic, boolean fp32AttentionGrads, boolean skipNonFinite, Mup mup) {
    /** A request without muP overrides. */
    public RunRequest(String preset, Shape shape, String parameterisation, Long steps, Double lr, Long warmup,
            String decay, Long batchTokens, Integer microBatch, String precision, Double eps, Long seed,
            boolean synthetic, boolean fp32AttentionGrads, boolean skipNonFinite) {
        this(preset, shape, parameterisation, steps, lr, warmup, decay, batchTokens, microBatch, precision, eps, seed,
                synthetic, fp32AttentionGrads, skipNonFinite, Mup.NONE);
    }

    /** Replaces a null {@code shape} or {@code mup} with no overrides. */
    public RunRequest {
        shape = shape == null ? Shape.NONE : shape;
        mup = mup == null ? Mup.NONE : mup;
    }

    /**
     * Overrides of the muP triple (paper Appendix G.2); {@code null} keeps the paper's value.
     *
     * @param baseLr  η_base, the peak learning rate ({@code --mup-base-lr})
     * @param initStd σ_base ({@code --mup-init-std})
     * @param embMult m_emb ({@code --mup-emb-mult})
     */
    public record Mup(Double baseLr, Double initStd, Double embMult) {
        /** No override. */
        public static final Mup NONE = new Mup(null, null, null);
    }

    /**
     * Overrides of a base shape; {@code null} keeps the base's value.
     *
     * @param dModel width
     * @param layers decoder blocks
     * @param heads  attention heads
     * @param seq    sequence length
     * @param batch  sequences per optimizer step
     * @param vocab  vocabulary size
     */
    public record Shape(Integer dModel, Integer layers, Integer heads, Integer seq, Integer batch, Integer vocab) {
        /** No override. */
        public static final Shape NONE = new Shape(null, null, null, null, null, null);
    }

    /** A request that gives nothing: the default run. */
    public static RunRequest defaults() {
        return new RunRequest(null, Shape.NONE, null, null, null, null, null, null, null, null, null, null, false,
                false, false);
    }

    /** Every setting that was given, by its flag, in the order a command line documents them. */
    public Map<String, Object> given() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("--preset", preset);
        all.put("--parameterisation", parameterisation);
        all.put("--steps", steps);
        all.put("--lr", lr);
        all.put("--warmup", warmup);
        all.put("--decay", decay);
        all.put("--eps", eps);
        all.put("--mup-base-lr", mup.baseLr());
        all.put("--mup-init-std", mup.initStd());
        all.put("--mup-emb-mult", mup.embMult());
        all.put("--d-model", shape.dModel());
        all.put("--layers", shape.layers());
        all.put("--heads", shape.heads());
        all.put("--seq", shape.seq());
        all.put("--batch", shape.batch());
        all.put("--vocab", shape.vocab());
        all.put("--precision", precision);
        all.put("--synthetic", synthetic ? Boolean.TRUE : null);
        all.put("--fp32-attention-grads", fp32AttentionGrads ? Boolean.TRUE : null);
        all.put("--skip-nonfinite", skipNonFinite ? Boolean.TRUE : null);
        all.put("--seed", seed);
        all.put("--batch-tokens", batchTokens);
        all.put("--micro-batch", microBatch);
        all.values().removeIf(v -> v == null);
        return all;
    }
}
