package dev.wafer.domain;

/** Every tolerance the domain's paper-reproduction tests use, each with the reason for its size. */
public final class PaperTolerances {
    private PaperTolerances() {
    }

    /** Training FLOPs vs Tables 2 and 8: the tables print two significant figures (2.6e18 for 2.62e18). */
    public static final double TABLE_FLOPS_RELATIVE = 0.03;
    /** Equation (1) vs Table 8's SP losses: the law is a fit; its worst point (2.7B, "lucky") is ~1.2% off. */
    public static final double EQUATION_1_RELATIVE = 0.015;
    /** Table 1 prints tokens to 0.1B, so a computed count may differ by half of that plus float rounding. */
    public static final double TABLE_TOKENS_BILLIONS = 0.051;
    /** Table 1 prints batch sizes to 3 significant figures (246K for 245,760). */
    public static final double TABLE_BATCH_RELATIVE = 0.005;
    /** Schedule values are a few double operations from exact decimal inputs. */
    public static final double SCHEDULE_ABSOLUTE = 1e-15;
    /** The planner's widths step by 64/128 and its aspect ratios differ from Table 1's, so sizes miss by a few %. */
    public static final double PLANNER_PARAMS_RELATIVE = 0.10;
    /** Recovering a law from noiseless synthetic points is limited only by the golden-section resolution. */
    public static final double FIT_SYNTHETIC_RELATIVE = 1e-4;
}
