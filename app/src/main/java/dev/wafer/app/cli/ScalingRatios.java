package dev.wafer.app.cli;

import java.util.List;
import java.util.Locale;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.study.ScalingStudy;
import dev.wafer.domain.study.StudyTraining;

/**
 * Checks a scaling study's tokens per parameter against its sizes before any trains: runs train whole steps, so a
 * ratio under one step for a size would train that size on many times the tokens asked and fit the law to them
 * (until 2026-12-07 {@code --tokens-per-param 0.001} trained one 512-token step per model without a word), and a
 * ratio whose tokens no run can count is refused naming the flag, not the domain's field.
 */
final class ScalingRatios {
    private ScalingRatios() {
    }

    /**
     * Refuses {@code ratio} (the value of {@code flag}) when one step already exceeds it for one of {@code shapes}
     * (named {@code names}), or when it gives more tokens than a run counts.
     */
    static void check(String flag, double ratio, List<String> names, List<ModelShape> shapes,
            StudyTraining training) {
        long step = training.batchTokens();
        int smallest = 0;
        int largest = 0;
        for (int i = 1; i < shapes.size(); i++) {
            smallest = params(shapes.get(i)) < params(shapes.get(smallest)) ? i : smallest;
            largest = params(shapes.get(i)) > params(shapes.get(largest)) ? i : largest;
        }
        long least = params(shapes.get(smallest));
        if (ratio * least < step) {
            throw new UserError(String.format(Locale.ROOT, "%s %s: one step (--batch x --seq, %,d tokens) is more"
                    + " than that for size %s (%,d parameters); expected at least %s tokens per parameter", flag,
                    ScalingStudy.ratio(ratio), step, names.get(smallest), least, atLeast(step, least)));
        }
        long most = params(shapes.get(largest));
        // Whole steps of batch tokens must stay countable in a long: the domain's own limit, said as the flag.
        double limit = Math.floor((Long.MAX_VALUE - step) / (double) step) * step;
        if (ratio * most > limit) {
            throw new UserError(String.format(Locale.ROOT, "%s %s: size %s (%,d parameters) would train %.3g tokens,"
                    + " more than a run counts; expected at most %.3g tokens per parameter", flag,
                    ScalingStudy.ratio(ratio), names.get(largest), most, ratio * most, limit / most));
        }
    }

    private static long params(ModelShape shape) {
        return ParameterCount.total(shape);
    }

    /** The least ratio that gives {@code params} at least one step, rounded up to 3 significant digits. */
    private static String atLeast(long step, long params) {
        java.math.BigDecimal exact = java.math.BigDecimal.valueOf(step)
                .divide(java.math.BigDecimal.valueOf(params), new java.math.MathContext(3, java.math.RoundingMode.UP));
        return exact.stripTrailingZeros().toPlainString();
    }
}
