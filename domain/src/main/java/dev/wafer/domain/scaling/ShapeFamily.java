package dev.wafer.domain.scaling;

import dev.wafer.domain.model.ModelShape;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes the planner chooses from, following the paper's section 2.1: an aspect ratio
 * {@code d_model / n_layers} of about 80 (here 64 to 100, so that a budget can be met within a few percent),
 * {@code d_ffn = 4 d_model}, heads of 64 below a width of 1536 and of 128 from there on (as in Table 1), the GPT-2
 * vocabulary and 2048 positions.
 */
public final class ShapeFamily {
    /** The paper's target aspect ratio d_model / n_layers. */
    public static final double ASPECT_RATIO = 80.0;
    private static final double MIN_ASPECT = 64.0;
    private static final double MAX_ASPECT = 100.0;
    private static final int WIDE_HEAD_FROM = 1536;
    private static final int MAX_WIDTH = 65536;

    private static final List<ModelShape> MEMBERS = build();

    private ShapeFamily() {
    }

    /** Every family member, by increasing width, then depth. */
    public static List<ModelShape> members() {
        return MEMBERS;
    }

    /** The member of width {@code dModel} whose depth is nearest the aspect ratio 80. */
    public static ModelShape ofWidth(int dModel) {
        int dHead = headWidth(dModel);
        if (dModel <= 0 || dModel % dHead != 0) {
            throw new IllegalArgumentException("d_model must be a positive multiple of " + dHead + ", found " + dModel);
        }
        return ModelShape.gpt(dModel, Math.max(1, (int) Math.round(dModel / ASPECT_RATIO)), dHead);
    }

    /** How far a shape's aspect ratio is from 80, as a log ratio (0 = exactly 80). */
    public static double aspectDeviation(ModelShape s) {
        return Math.abs(Math.log((double) s.dModel() / s.nLayers() / ASPECT_RATIO));
    }

    private static int headWidth(int dModel) {
        return dModel < WIDE_HEAD_FROM ? 64 : 128;
    }

    private static List<ModelShape> build() {
        List<ModelShape> shapes = new ArrayList<>();
        for (int d = 64; d <= MAX_WIDTH; d += headWidth(d)) {
            if (d % headWidth(d) != 0) {
                continue;
            }
            int minLayers = Math.max(1, (int) Math.ceil(d / MAX_ASPECT));
            int maxLayers = Math.max(minLayers, (int) Math.floor(d / MIN_ASPECT));
            for (int layers = minLayers; layers <= maxLayers; layers++) {
                shapes.add(ModelShape.gpt(d, layers, headWidth(d)));
            }
        }
        return List.copyOf(shapes);
    }
}
