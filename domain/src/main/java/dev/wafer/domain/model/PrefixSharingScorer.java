package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.WPE;
import static dev.wafer.domain.model.ParameterName.WTE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import dev.wafer.domain.eval.ContextGroup;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.SharedContextScorer;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Scores continuations with each context run through the decoder once: a context pass runs the groups' contexts as
 * rows (padded at the end to the longest) and keeps every layer's fused Q, K, V; continuation passes then run each
 * continuation (without its last token) at the positions after its context, attending to the kept keys and values
 * ({@link AttentionKernel#forwardAfterPrefix}). A multiple-choice document's context thus costs one pass instead of
 * one per choice. The first continuation token is scored from the context's last position, the others from the
 * continuation's own; only those positions reach the tied LM head, whose log-softmax comes from the backend's fused
 * softmax + cross-entropy kernel (float32 per token, summed in double), as {@link GptScorer#scoreBatch}.
 *
 * <p>It reads the parameters in place; they must not change while it scores. Not thread-safe.
 */
public final class PrefixSharingScorer implements SharedContextScorer {
    /** What it needs from a backend. */
    public static final EnumSet<Capability> REQUIRED = EnumSet.of(Capability.ENCODER, Capability.LAYER_NORM,
            Capability.MATMUL, Capability.ATTENTION, Capability.PREFIX_ATTENTION, Capability.GELU,
            Capability.RESIDUAL, Capability.SOFTMAX_CROSS_ENTROPY);
    /** Positions the LM head runs on at once: bounds the logits buffer (rows x V) whatever the budget. */
    private static final int HEAD_ROWS = 256;

    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ParameterSet params;
    private final EncoderKernel encoder;
    private final AttentionKernel attention;
    private final InferenceBlocks blocks;
    private final SelectedPositionsHead head;
    private final int window;
    private final int budget;

    /** Every layer's fused Q, K, V of the last context pass: the prefixes of the continuation passes. */
    private final Tensor[] contextQkv;
    private final InferenceBlocks.QkvTarget intoContextQkv;
    /** The context pass's attention: within each row only. */
    private final InferenceBlocks.Attention withinRows;
    /** A continuation pass's attention: each row after its context's kept keys and values. */
    private final InferenceBlocks.Attention afterContexts;
    private int passRows;
    private int passLength;

    private final int[] tokens;
    private final int[] rowTokens;
    private final int[] padding;
    private final int[] prefixStart;
    private final int[] prefixLength;
    private final int[] noPrefix;
    private long layerPositions;

    /**
     * Allocates every layer's context Q, K, V ({@code L · budget · 3C} floats) and one pass's activations in
     * {@code scope}.
     *
     * @param params       the model's parameters, read in place
     * @param window       the longest input, 1 to the model's sequence length (requests are built for it)
     * @param budgetTokens positions one pass takes (rows times the longest row), at least {@code window}
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family, attention
     *                                                            after a prefix included
     */
    public PrefixSharingScorer(ComputeBackend backend, TensorScope scope, ParameterSet params,
                               ForwardMultipliers parameterisation, int window, int budgetTokens) {
        this(backend, scope, params, parameterisation, window, budgetTokens, HEAD_ROWS);
    }

    /** As the public constructor, with the LM head run on at most {@code headRows} positions at a time. */
    PrefixSharingScorer(ComputeBackend backend, TensorScope scope, ParameterSet params,
                        ForwardMultipliers parameterisation, int window, int budgetTokens, int headRows) {
        backend.require(REQUIRED);
        this.shape = params.layout().shape();
        if (window < 1 || window > shape.seqLength()) {
            throw new IllegalArgumentException("the window must be 1 to the model's " + shape.seqLength()
                    + " positions, found " + window);
        }
        if (budgetTokens < window) {
            throw new IllegalArgumentException("a pass must take at least one window of " + window
                    + " positions, found " + budgetTokens);
        }
        this.parameterisation = parameterisation;
        this.params = params;
        this.encoder = backend.encoder();
        this.attention = backend.attention();
        this.window = window;
        this.budget = budgetTokens;
        this.contextQkv = new Tensor[shape.nLayers()];
        for (int l = 0; l < contextQkv.length; l++) {
            contextQkv[l] = scope.allocate(3L * budgetTokens * shape.dModel());
        }
        this.blocks = new InferenceBlocks(backend, scope, params, budgetTokens);
        this.head = new SelectedPositionsHead(backend, scope, params, parameterisation, budgetTokens, headRows);
        this.tokens = new int[budgetTokens];
        this.rowTokens = new int[window];
        this.padding = new int[window];
        this.prefixStart = new int[budgetTokens];
        this.prefixLength = new int[budgetTokens];
        this.noPrefix = new int[budgetTokens];
        this.intoContextQkv = l -> contextQkv[l];
        float scale = parameterisation.attentionScale(shape.dHead());
        this.withinRows = (l, q, out) -> attention.forwardAfterPrefix(out, q, q, noPrefix, noPrefix,
                passRows, passLength, shape.dModel(), shape.nHeads(), scale);
        this.afterContexts = (l, q, out) -> attention.forwardAfterPrefix(out, q, contextQkv[l],
                prefixStart, prefixLength, passRows, passLength, shape.dModel(), shape.nHeads(), scale);
    }

    @Override
    public int batchTokens() {
        return budget;
    }

    /** Positions run through the decoder layers so far: contexts once, continuations after them, padding included. */
    public long layerPositions() {
        return layerPositions;
    }

    @Override
    public List<List<ContinuationScore>> scoreGroups(List<ContextGroup> groups) {
        int d = groups.size();
        int tc = 0;
        int scored = 0;
        for (ContextGroup g : groups) {
            tc = Math.max(tc, g.contextLength());
            for (int[] cont : g.continuations()) {
                if (g.contextLength() + cont.length > window + 1) {
                    throw new IllegalArgumentException("a context of " + g.contextLength() + " and a continuation of "
                            + cont.length + " tokens do not fit a " + window + "-token window");
                }
                scored++;
            }
        }
        if (d == 0 || (long) d * tc > budget) {
            throw new IllegalArgumentException(d + " contexts of up to " + tc + " tokens do not fit " + budget
                    + " positions");
        }
        double[] sums = new double[scored];
        boolean[] greedy = new boolean[scored];
        Arrays.fill(greedy, true);
        contextPass(groups, tc);
        // The first token of each continuation: its context's last position, once per continuation.
        head.clear();
        int owner = 0;
        for (int g = 0; g < d; g++) {
            ContextGroup group = groups.get(g);
            for (int[] cont : group.continuations()) {
                head.add(g * tc + group.contextLength() - 1, cont[0], owner++);
            }
        }
        head.score(blocks.x, d * tc, sums, greedy);
        continuationPasses(groups, tc, sums, greedy);
        List<List<ContinuationScore>> out = new ArrayList<>(d);
        owner = 0;
        for (ContextGroup group : groups) {
            List<ContinuationScore> scores = new ArrayList<>(group.continuations().size());
            for (int k = 0; k < group.continuations().size(); k++, owner++) {
                scores.add(new ContinuationScore(Math.min(0, sums[owner]), greedy[owner]));
            }
            out.add(scores);
        }
        return out;
    }

    /** The contexts as {@code d} rows of {@code tc} positions; every layer's Q, K, V kept in {@link #contextQkv}. */
    private void contextPass(List<ContextGroup> groups, int tc) {
        int d = groups.size();
        for (int g = 0; g < d; g++) {
            int[] ctx = groups.get(g).context();
            System.arraycopy(ctx, 0, tokens, g * tc, ctx.length);
            Arrays.fill(tokens, g * tc + ctx.length, (g + 1) * tc, 0);
        }
        encoder.forward(blocks.x, tokens, params.get(WTE), params.get(WPE), d, tc, shape.dModel(),
                parameterisation.embeddingMultiplier());
        layers(d, tc, true);
    }

    /**
     * Every continuation of two or more tokens after its context, longest first, as many rows per pass as the budget
     * takes; each row's positions start where its context ends.
     */
    private void continuationPasses(List<ContextGroup> groups, int tc, double[] sums, boolean[] greedy) {
        List<ContinuationRow> rows = new ArrayList<>();
        int owner = 0;
        for (int g = 0; g < groups.size(); g++) {
            ContextGroup group = groups.get(g);
            for (int[] cont : group.continuations()) {
                if (cont.length > 1) {
                    rows.add(new ContinuationRow(cont, g * tc, group.contextLength(), owner));
                }
                owner++;
            }
        }
        rows.sort((a, b) -> Integer.compare(b.inputs(), a.inputs()));
        int c = shape.dModel();
        Tensor wte = params.get(WTE);
        Tensor wpe = params.get(WPE);
        float multiplier = parameterisation.embeddingMultiplier();
        int i = 0;
        while (i < rows.size()) {
            int t = rows.get(i).inputs();
            int count = Math.min(rows.size() - i, budget / t);
            head.clear();
            for (int r = 0; r < count; r++) {
                ContinuationRow row = rows.get(i + r);
                int n = row.inputs();
                System.arraycopy(row.continuation, 0, rowTokens, 0, n);
                encoder.forward(blocks.x.slice((long) r * t * c, (long) n * c), rowTokens, wte,
                        wpe.slice((long) row.contextLength * c, (long) n * c), 1, n, c, multiplier);
                if (n < t) { // padding after the row: any finite values, no real position attends to it
                    encoder.forward(blocks.x.slice((long) (r * t + n) * c, (long) (t - n) * c), padding, wte, wpe, 1,
                            t - n, c, multiplier);
                }
                prefixStart[r] = row.contextRow;
                prefixLength[r] = row.contextLength;
                for (int j = 0; j < n; j++) {
                    head.add(r * t + j, row.continuation[j + 1], row.owner);
                }
            }
            layers(count, t, false);
            head.score(blocks.x, count * t, sums, greedy);
            i += count;
        }
    }

    /**
     * The decoder blocks over {@code rows x t} positions of the residual stream: in the context pass Q, K, V go to
     * {@link #contextQkv} and attend only within their row; in a continuation pass row r also attends to its
     * context's kept keys and values ({@link #prefixStart}, {@link #prefixLength}).
     */
    private void layers(int rows, int t, boolean contextPass) {
        passRows = rows;
        passLength = t;
        if (contextPass) {
            blocks.forward(rows * t, intoContextQkv, withinRows);
        } else {
            blocks.forward(rows * t, blocks.ownQkv, afterContexts);
        }
        layerPositions += (long) rows * t;
    }

    /** A continuation in a pass: its tokens, its context's first row in {@link #contextQkv} and its length. */
    private record ContinuationRow(int[] continuation, int contextRow, int contextLength, int owner) {
        int inputs() {
            return continuation.length - 1;
        }
    }
}
