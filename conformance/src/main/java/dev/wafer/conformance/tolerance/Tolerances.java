package dev.wafer.conformance.tolerance;

/**
 * Every numeric tolerance of the conformance suite and the golden tests, in one place, each with its reason.
 * Expected values come from double-precision references; actual values from float32 backends. float32 has a unit
 * roundoff of 6e-8, so a sum of K terms of magnitude 1 carries up to ~K·6e-8 worst case (√K typical).
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** Element-wise ops (embedding sums, residual adds, scaling). */
    public static final Tolerance ELEMENTWISE = new Tolerance(1e-6, 1e-6,
            "one or two float32 roundings of values of magnitude <= 10");

    /** GELU forward and backward. */
    public static final Tolerance GELU = new Tolerance(2e-6, 2e-6,
            "float erf approximations carry ~1e-7 error, plus float32 rounding of x·Φ(x)");

    /** GELU's forward for -12 &lt;= x &lt;= -4, relative only: Φ(x) there is 2e-33..3e-5 and must not cancel to zero. */
    public static final Tolerance GELU_NEGATIVE_TAIL = new Tolerance(0, 4e-5,
            "the erfc fit is exp(-x²/2 - 1.27 + t·P(t)); float32 rounds that argument (up to ~73 at x = -12) and"
                    + " its parts to ~6e-8 of their size, i.e. relative errors of ~1e-5 in exp (1.9e-5 the worst on"
                    + " the test's grid; 1 + erf would lose every digit below x = -5.5)");

    /** LayerNorm forward and backward over at most a few hundred channels. */
    public static final Tolerance LAYER_NORM = new Tolerance(2e-5, 1e-4,
            "mean/variance reductions in float32 over C <= 300 and division by a small std amplify rounding");

    /** Matmul outputs and gradients for inner sizes up to ~300 with inputs in [-1, 1]. */
    public static final Tolerance MATMUL = new Tolerance(5e-5, 1e-4,
            "float32 dot products of up to ~300 terms of magnitude <= 1, summed in a blocked order");

    /** Attention outputs, saved softmax weights and the QKV gradient. */
    public static final Tolerance ATTENTION = new Tolerance(2e-5, 1e-4,
            "float32 q·k dots, exp and a softmax normaliser over <= 17 positions, then a weighted sum");

    /** Softmax + cross-entropy: per-row losses, probabilities, logit gradients, incl. a 50257-way vocabulary. */
    public static final Tolerance CROSS_ENTROPY = new Tolerance(2e-6, 1e-4,
            "probabilities are tiny (1/50257) and carry float32 relative error of exp; the normaliser is in double");

    /** AdamW parameters and moments after a few steps. */
    public static final Tolerance ADAMW = new Tolerance(1e-6, 1e-5,
            "a handful of float32 operations per element per step, over 3 steps");

    /** Sum of squares (global gradient norm pieces) accumulated in double. */
    public static final Tolerance SUM_OF_SQUARES = new Tolerance(1e-9, 1e-9,
            "accumulation is in double; inputs are exact float32 values");

    /** A backend's backward against a central finite difference of the double reference forward. */
    public static final Tolerance FINITE_DIFFERENCE = new Tolerance(2e-4, 2e-3,
            "the difference quotient itself is good to ~1e-9 in double; the slack covers float32 gradients "
                    + "(FD can only catch a wrong formula, not roundoff)");

    // Golden entries: observed worst errors (CPU backend) were 5e-7 on logits, 6e-7 on the loss, 1.4e-6 on
    // gradients, 1.9e-6 on ten training losses and 6e-5 on final muP parameters; slack is ~10x that.

    /** Golden test: logits of the tiny model against PyTorch float32. */
    public static final Tolerance GOLDEN_LOGITS = new Tolerance(1e-5, 1e-4,
            "two float32 implementations with different summation orders through a 2-layer network");

    /** Golden test: the mean loss against PyTorch float32. */
    public static final Tolerance GOLDEN_LOSS = new Tolerance(1e-5, 1e-5,
            "a mean of per-token losses near ln(V); both sides reduce carefully");

    /** Golden test: every parameter gradient against PyTorch float32. */
    public static final Tolerance GOLDEN_GRADIENT = new Tolerance(1e-5, 1e-3,
            "gradients pass back through every layer; small entries are dominated by float32 cancellation");

    /** Golden test: losses of the first AdamW steps against PyTorch float32. */
    public static final Tolerance GOLDEN_TRAINING_LOSS = new Tolerance(2e-5, 2e-5,
            "a few optimizer steps amplify float32 differences in the updates a little");

    /** Golden test: every parameter after ten AdamW steps against PyTorch float32. */
    public static final Tolerance GOLDEN_FINAL_PARAMETERS = new Tolerance(1e-4, 1e-3,
            "muP hidden updates are ~1.6e-2 per step here, and Adam's m/sqrt(v) turns float32 differences in "
                    + "near-zero gradient entries into visible update differences (1e-4 is still < 1% of one update)");

    /** Golden test: global gradient norms over the ten AdamW steps against PyTorch float32. */
    public static final Tolerance GOLDEN_GRADIENT_NORM = new Tolerance(1e-4, 2e-3,
            "after ten steps the tiny model has memorised its batch; the norm near that optimum is a small "
                    + "difference of large terms and carries the parameter differences above");

    // Model-level entries (the backend suite, dev.wafer.suite).

    /**
     * Per-step losses of a short CPU run against the same run recorded on another machine (a committed fixture). The
     * CPU backend's sums follow the machine's vector width (the Vector API's preferred species: 512 bits with AVX-512,
     * 256 with AVX2), so the last bits differ: 1.6e-9 relative after three resumed steps of the legacy checkpoint,
     * recorded with AVX-512 and resumed on an AVX2 EPYC (2026-12-07). A wrong resume (data position, Adam step count,
     * schedule position) moves losses near 4.5 by more than 1e-3.
     */
    public static final Tolerance RECORDED_RUN_ON_ANOTHER_MACHINE = new Tolerance(0, 1e-6,
            "float32 summation order follows the machine's SIMD width, so a run recorded elsewhere matches only to"
                    + " rounding; a wrong resume moves the losses by >1e-3");

    /**
     * Backend suite: per-step losses of 20 AdamW steps (batch 4 x 32, lr 3e-3, two micro-batches) on the backend
     * under test against the same run on the reference backend. Observed worst: 4.1e-6 (CPU with the Vector API, muP)
     * and 1e-6 (OpenCL on PoCL) at losses near 4; the slack (6e-5 there) is ~15x that. Each backend within this of
     * the reference puts any two within twice it.
     */
    public static final Tolerance MODEL_TRAINING_VS_REFERENCE = new Tolerance(2e-5, 1e-5,
            "twenty optimizer steps compound float32 summation-order differences of the kernels (the reference "
                    + "sums in double) through the updates; losses are ~5, a real bug moves them by >1e-2");

    /**
     * Backend suite: per-step losses of the 20-step run with bf16 or fp16 operands against the float32 reference
     * run. Rounding every product's operands to 8 (bf16) or 11 (fp16) significant bits moves the losses; observed
     * worst (2026-12-05): bf16 1.6e-3 at a loss of 4.46 (3.6e-4 relative) on the CPU backend and on the CUDA
     * kernels in the simulator, fp16 4.7e-4. The bound, 1.5e-3 relative (6.7e-3 there), is ~4x the bf16 worst.
     */
    public static final Tolerance MODEL_TRAINING_16_BIT_VS_REFERENCE = new Tolerance(0, 1.5e-3,
            "16-bit operands move each step's loss by their rounding, compounded over twenty updates (bf16 worst "
                    + "3.6e-4 relative); a run that trains wrongly moves them by far more");

    /**
     * Backend suite: logits of the KV-cached decoder against the full forward pass at every position. The same
     * backend computes both; only the order of the attention reductions differs.
     */
    public static final Tolerance CACHED_DECODING = new Tolerance(1e-4, 1e-4,
            "cached and full passes reduce attention in different orders: float32 rounding over <= 24 positions "
                    + "and two layers, far below the effect of a wrong cache entry (order 1e-1)");

    /**
     * Downstream scoring: a request's log-likelihood from the batched scorer (rows packed to the batch's longest
     * input, LM head only at continuation positions, each token's log-softmax from the backend's fused softmax +
     * cross-entropy as a float32 loss) against the unbatched one (one request padded to the full window, log-softmax
     * on the host in double). Each token's loss is rounded to float32 (half an ulp of a loss near 20 is 1e-6), and
     * continuations run to tens of tokens; products of other heights may also block their sums differently. A wrong
     * position, mask or truncation moves a log-likelihood by > 1e-2.
     */
    public static final Tolerance BATCHED_SCORING = new Tolerance(1e-4, 1e-6,
            "float32 rounding of per-token losses (~1e-6 each, tens of tokens) and of products of other heights");

    /**
     * End-to-end golden: a request's log-likelihood from Wafer against a plain PyTorch float32 GPT-2 forward of the
     * same token ids (conformance/golden/make_eval_golden.py). Two float32 implementations through two layers and a
     * 50257-way log-softmax, summed over up to ~10 continuation tokens of magnitude ~11.
     */
    public static final Tolerance GOLDEN_EVAL_LOGLIKELIHOOD = new Tolerance(1e-4, 1e-5,
            "two float32 implementations, different summation orders, sums of ~10 log-probabilities near -11");

    // Mixed precision (16-bit operands, float32 accumulation). u is the format's unit roundoff: 2^-8 for bf16,
    // 2^-11 for fp16 (OperandFormat#unitRoundoff).

    /**
     * A 16-bit matmul against the double reference run on the same rounded operands: only the float32 accumulation
     * differs, so the float32 matmul tolerance applies unchanged (a 16-bit accumulator would exceed it).
     */
    public static final Tolerance MIXED_MATMUL_ROUNDED_OPERANDS = new Tolerance(MATMUL.abs(), MATMUL.rel(),
            "identical rounded operands; " + MATMUL.reason());

    /**
     * A 16-bit matmul against the double reference on the unrounded float32 operands, for K-term dot products of
     * values in [-1, 1]: each product a·b picks up a relative error of at most 2u from rounding a and b, and the K
     * independent errors add like a random walk, so 4u·√K is several standard deviations above typical.
     */
    public static Tolerance mixedMatmul(dev.wafer.ports.compute.OperandFormat format, int k) {
        double u = format.unitRoundoff();
        return new Tolerance(4 * u * Math.sqrt(k) + MATMUL.abs(), 2 * u,
                "rounding both operands of " + k + " products to " + format.id() + " (u = " + u
                        + "): 2u relative per product, summed as a random walk (4u·sqrt(K))");
    }

    /**
     * 16-bit attention against the double reference on unrounded inputs in [-1.5, 1.5], head size &lt;= 8, T &lt;= 17:
     * Q, K, V, dO, the probabilities and the softmax gradient are each rounded once (u relative); a score error of
     * at most 2u·scale·Σ|q·k| &lt;= 13u changes probabilities by ~2x that, and every output is a convex or bounded
     * combination of such terms, which bounds the error by ~50u in the worst case.
     */
    public static Tolerance mixedAttention(dev.wafer.ports.compute.OperandFormat format) {
        double u = format.unitRoundoff();
        return new Tolerance(64 * u, 8 * u, "Q, K, V, dO, P and dS rounded to " + format.id() + " (u = " + u
                + "); worst-case propagation through the scores and softmax is ~50u");
    }

    // Fused attention (FusedAttentionContract): bf16 Q, K, V as stored, double reference on the same values.

    /**
     * The fused forward's output against the exact attention of the same bf16 Q, K, V, values in [-1, 1]: the
     * probabilities enter P.V as bf16 operands (u relative each, so at most u.max|v| in all, since they sum to one)
     * and the output is rounded to bf16 once (u relative): 2u in the worst case, float32 accumulation far below.
     */
    public static final Tolerance FUSED_ATTENTION_OUT = new Tolerance(3 * 0x1p-8, 0,
            "P rounded to bf16 as an operand (<= u.max|v|) and the output rounded once (u): 2u worst case, u = 2^-8");

    /**
     * The saved log-sum-exp against the double one: float32 scores (exact bf16 products summed over hs terms), an
     * online max and a float32 sum of up to T exponentials, so a few hundred float32 ulps of the sum at most.
     */
    public static final Tolerance FUSED_ATTENTION_LOG_SUM_EXP = new Tolerance(1e-5, 1e-5,
            "float32 scores and a float32 running sum of <= T exponentials (~T ulps of 2^-24 relative)");

    /**
     * The fused backward against a double backward with the same bf16 roundings (dO, P for dV, dS; row terms from the
     * bf16 output): what remains is float32 accumulation and roundings that land on the other side of a bf16 tie,
     * each one term off by u of its size, in sums of &lt;= T terms of magnitude &lt;= ~0.1 (|dS| = P |dP - D|).
     */
    public static final Tolerance FUSED_ATTENTION_GRADIENT = new Tolerance(1e-4, 2e-3,
            "same roundings as the reference; occasional bf16 ties resolved differently (u of one term) and float32"
                    + " accumulation");

    /**
     * Backend suite: per-micro-batch losses of a bf16 run with fused attention against the same run with the attention
     * that saves its probabilities (FusedAttentionTrainingContract: 5 AdamW steps, heads of 16, T = 70). Observed
     * worst (2026-12-05, CUDA kernels in the simulator): 8.6e-5 at a loss of 4.58 (1.9e-5 relative). The bound is
     * ~10x that; a wrong attention moves the losses by more than 1e-2.
     */
    public static final Tolerance FUSED_ATTENTION_TRAINING = new Tolerance(0, 2e-4,
            "bf16 roundings at different places (recomputed P, row terms from the bf16 output): observed 1.9e-5"
                    + " relative over 5 steps");

    /**
     * Backend suite: the first step's gradients of the same comparison (same parameters), element by element.
     * Observed worst (2026-12-05, simulator): 5.8e-5 where the largest gradient is 0.14. The bound, 5e-4 absolute,
     * is ~9x that and 0.4% of the largest gradient; a wrong attention gradient is off by about its own size.
     */
    public static final Tolerance FUSED_ATTENTION_GRADIENTS = new Tolerance(5e-4, 0,
            "bf16 roundings at different places: observed 5.8e-5 against gradients up to 0.14");

    /**
     * Backend suite: the float32 comparison of FusedAttentionTrainingContract (5 AdamW steps, heads of 16, T = 70):
     * the fused kernels' 3xTF32 products (within ~2^-21 of float32's) and recomputed probabilities against float32
     * products and saved ones. Observed worst (2026-12-05, CUDA kernels in the simulator): 1.4e-8 at a loss of 4.6
     * (3e-9 relative). The bound is wide for a GPU's tensor cores, which round their sums their own way; a product
     * of TF32 accuracy (10-bit mantissas) is off by ~3e-4 in the attention's output and fails.
     */
    public static final Tolerance FUSED_ATTENTION_FP32_TRAINING = new Tolerance(0, 2e-6,
            "float32 attention computed two ways (3xTF32 products, recomputed probabilities): observed 3e-9"
                    + " relative over 5 steps");

    /**
     * Backend suite: the first step's gradients of the float32 comparison. Observed worst (simulator): 2.6e-8 where
     * the largest gradient is 0.14; the bound is ~80x that.
     */
    public static final Tolerance FUSED_ATTENTION_FP32_GRADIENTS = new Tolerance(2e-6, 0,
            "float32 attention computed two ways: observed 2.6e-8 against gradients up to 0.14");
}
