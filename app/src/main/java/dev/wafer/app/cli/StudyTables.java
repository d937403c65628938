package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.MupSearchSpace;
import dev.wafer.domain.study.MupTransferCheck;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.scaling.TokensPerParameterPenalty;
import dev.wafer.domain.study.ScalingStudy;
import dev.wafer.domain.study.StudyTraining;

/**
 * The studies' results as the text tables {@code wafer study} prints without --json: a header saying what was run,
 * the table, and the files written. Everything shown comes from the result and its settings.
 */
final class StudyTables {
    private StudyTables() {
    }

    /** Mean |activation| per layer (columns) and width (rows) at each of {@code shown} steps. */
    static void coordinateCheck(PrintWriter out, CoordinateCheck.Result result, List<Integer> shown, Path png,
                                Path json, double wall) {
        CoordinateCheck.Settings s = result.settings();
        out.printf(Locale.ROOT, "coordinate check, %s, %d layers, d_head %d, lr %.2e constant, %d steps on one fixed"
                + " batch of %d x %d, %d seed(s)%ndata: %s%nmean |activation| per layer (columns) and width (rows):%n",
                s.kind().id(), s.layers(), s.headDim(), s.lr(), s.steps(), s.batchSequences(), s.seqLength(),
                s.seeds(), result.data());
        List<Integer> widths = s.widths();
        for (int t : shown) {
            out.printf(Locale.ROOT, "%nstep %d%s%n", t, t == 1 ? " (initialisation)" : "");
            List<String> headers = new ArrayList<>();
            headers.add("width");
            headers.addAll(result.layers());
            Table table = new Table(headers.toArray(String[]::new));
            for (CoordinateCheck.WidthResult w : result.widths()) {
                Object[] row = new Object[headers.size()];
                row[0] = w.width();
                for (int k = 0; k < result.layers().size(); k++) {
                    row[k + 1] = String.format(Locale.ROOT, "%.4g", w.meanAbs()[t - 1][k]);
                }
                table.row(row);
            }
            Object[] ratio = new Object[headers.size()];
            ratio[0] = "ratio " + widths.get(widths.size() - 1) + "/" + widths.get(0);
            for (int k = 0; k < result.layers().size(); k++) {
                double[] c = result.curve(result.layers().get(k), t);
                double r = c[c.length - 1] / c[0];
                ratio[k + 1] = Double.isFinite(r) ? String.format(Locale.ROOT, "%.2fx", r) : "-";
            }
            table.row(ratio);
            table.print(out);
        }
        for (CoordinateCheck.WidthResult w : result.widths()) {
            // A blow-up is what a check at a high learning rate looks for: said per width, its later steps NaN.
            w.diverged().ifPresent(why -> out.printf(Locale.ROOT, "%nwidth %d %s: its steps from the last are NaN%n",
                    w.width(), why));
        }
        out.printf(Locale.ROOT, "%nwrote %s and %s (%.1fs)%n", png, json, wall);
    }

    /** Final loss per width (rows) and peak learning rate (columns), the best of each width starred. */
    static void learningRateSweep(PrintWriter out, LearningRateSweep.Result result, Path png, Path json,
                                  double wall) {
        LearningRateSweep.Settings s = result.settings();
        StudyTraining training = s.training();
        out.printf(Locale.ROOT, "learning-rate sweep, %s, %d layers, d_head %d, %,d tokens per run (%d steps of %d"
                + " x %d), warm-up 10%% then linear decay to 10%%%ndata: %s%n%s loss per width (rows) and peak"
                + " learning rate (columns):%n", s.kind().id(), s.layers(), s.headDim(), result.tokens(),
                s.steps(), training.batchSequences(), training.seqLength(), result.data(),
                result.heldOut() ? "held-out" : "training");
        List<String> headers = new ArrayList<>(List.of("width", "params"));
        s.lrs().forEach(r -> headers.add(String.format(Locale.ROOT, "%.1e", r)));
        headers.add("best lr");
        Table table = new Table(headers.toArray(String[]::new));
        for (int w : s.widths()) {
            List<Object> row = new ArrayList<>();
            row.add(w);
            row.add(String.format(Locale.ROOT, "%,d", result.points().stream().filter(p -> p.width() == w)
                    .findFirst().orElseThrow().params()));
            Double best = result.bestLr().get(w);
            for (double r : s.lrs()) {
                LearningRateSweep.Point p = result.points().stream().filter(q -> q.width() == w && q.lr() == r)
                        .findFirst().orElseThrow();
                String cell = p.diverged() ? "diverged" : String.format(Locale.ROOT, "%.4f", p.finalLoss());
                row.add(best != null && best == r ? cell + "*" : cell);
            }
            row.add(best == null ? "-" : String.format(Locale.ROOT, "%.1e", best));
            table.row(row.toArray());
        }
        table.print(out);
        out.printf(Locale.ROOT, "%nwrote %s and %s (%.1fs)%n", png, json, wall);
    }

    /** Each model's loss against the fitted law, then the law itself. */
    static void scaling(PrintWriter out, ScalingStudy.Result result, Path png, Path json, double wall) {
        ScalingStudy.Settings s = result.settings();
        out.printf(Locale.ROOT, "scaling study, %s, %s tokens/parameter, peak lr %.2e, batch %d x %d, warm-up 10%%"
                + " then linear decay to 10%%%ndata: %s%n%n", s.kind().id(), ScalingStudy.ratio(s.tokensPerParameter()),
                s.peakLr(),
                s.training().batchSequences(), s.training().seqLength(), result.data());
        Table table = new Table("d_model", "layers", "params", "tokens/param", "tokens", "FLOPs",
                result.heldOut() ? "held-out loss" : "train loss", "fit", "deviation", "seconds");
        for (ScalingStudy.Model m : result.models()) {
            table.row(m.shape().dModel(), m.shape().nLayers(), String.format(Locale.ROOT, "%,d", m.params()),
                    ScalingStudy.ratio(m.tokensPerParameter()) + (m.onFrontier() ? "" : " (extra)"),
                    String.format(Locale.ROOT, "%,d", m.tokens()), String.format(Locale.ROOT, "%.3e", m.flops()),
                    Double.isFinite(m.loss()) ? String.format(Locale.ROOT, "%.4f", m.loss()) : "diverged",
                    String.format(Locale.ROOT, "%.4f", m.predicted()),
                    Double.isFinite(m.deviation()) ? String.format(Locale.ROOT, "%+.2f%%", 100 * m.deviation())
                            : "-", String.format(Locale.ROOT, "%.0f", m.seconds()));
        }
        table.print(out);
        out.printf(Locale.ROOT, "%nfitted law: L(f) = %.4g * f^(%.5f) + %.4f nats/token (rms residual %.4f)%n",
                result.law().a(), result.law().b(), result.law().c(), result.rmsResidual());
        if (result.models().stream().anyMatch(m -> !m.onFrontier())) {
            double frontier = result.settings().tokensPerParameter();
            double optimal = TokensPerParameterPenalty.COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER;
            // Equation (4) measures a ratio against the compute-optimal 20; a frontier fitted at another ratio is
            // taken as the optimum, so the penalty is that of the extra run's ratio relative to the frontier's.
            out.println("extra runs: 'fit' is the fitted frontier times equation (4)'s penalty for their tokens"
                    + " per parameter" + (frontier == optimal ? "" : String.format(Locale.ROOT, " relative to the"
                    + " frontier's %s (equation (4) at tokens/param x %s/%s, the frontier standing for the paper's"
                    + " compute-optimal %s)", ScalingStudy.ratio(frontier), ScalingStudy.ratio(optimal),
                    ScalingStudy.ratio(frontier), ScalingStudy.ratio(optimal))));
        }
        out.printf(Locale.ROOT, "wrote %s and %s (%.0fs in all)%n", png, json, wall);
    }

    /**
     * Every sample (best first), the ranges searched and the best triple, then the transfer check when there is one
     * (else {@code transfer} is null).
     */
    static void mupSearch(PrintWriter out, MupSearch.Result result, MupTransferCheck.Result transfer, Path png,
                          Path json, double wall) {
        MupSearch.Settings s = result.settings();
        out.printf(Locale.ROOT, "muP search on %s (d_model %d, %d layers, d_head %d), %d samples of %d steps of %d x %d"
                + " tokens, seed %d%ndata: %s%nlog-uniform: eta_base [%.0e, %.0e], sigma_base [%.2f, %.2f], m_emb"
                + " [%.0f, %.0f]; paper: 6e-3, 0.08, 10%n%s loss per sample, best first:%n", s.proxy(), s.width(),
                s.layers(), s.headDim(), result.samples().size(), s.steps(), s.training().batchSequences(),
                s.training().seqLength(), s.training().seed(), result.data(), MupSearchSpace.BASE_LR.lo(),
                MupSearchSpace.BASE_LR.hi(), MupSearchSpace.INIT_STD.lo(), MupSearchSpace.INIT_STD.hi(),
                MupSearchSpace.EMB_MULT.lo(), MupSearchSpace.EMB_MULT.hi(), result.heldOut() ? "held-out" : "training");
        Table table = new Table("sample", "eta_base", "sigma_base", "m_emb", "loss");
        result.samples().stream().sorted(java.util.Comparator.comparingDouble(
                (MupSearch.Sample p) -> p.diverged() ? Double.POSITIVE_INFINITY : p.loss()))
                .forEach(p -> table.row(p.index(), String.format(Locale.ROOT, "%.3e", p.triple().baseLearningRate()),
                        String.format(Locale.ROOT, "%.4f", p.triple().initStd()),
                        String.format(Locale.ROOT, "%.3f", p.triple().embeddingMultiplier()),
                        p.diverged() ? "diverged" : String.format(Locale.ROOT, "%.4f", p.loss())));
        table.print(out);
        out.printf(Locale.ROOT, "%nbest: %s%n", result.best().map(b -> String.format(Locale.ROOT,
                "--mup-base-lr %.3e --mup-init-std %.4f --mup-emb-mult %.3f (sample %d, loss %.4f)",
                b.triple().baseLearningRate(), b.triple().initStd(), b.triple().embeddingMultiplier(), b.index(),
                b.loss())).orElse("none (every sample diverged)"));
        if (transfer != null) {
            mupTransfer(out, transfer);
        }
        out.printf(Locale.ROOT, "%nwrote %s and %s (%.1fs)%n", png, json, wall);
    }

    /** The transfer check: each re-trained triple's loss at both widths, and whether the ranking held. */
    private static void mupTransfer(PrintWriter out, MupTransferCheck.Result r) {
        out.printf(Locale.ROOT, "%ntransfer to d_model %d (proxy order, best first):%n", r.width());
        Table table = new Table("sample", "eta_base", "sigma_base", "m_emb", "proxy loss", "wide loss");
        for (MupTransferCheck.Run run : r.runs()) {
            MupSearch.Sample p = run.sample();
            table.row(p.index(), String.format(Locale.ROOT, "%.3e", p.triple().baseLearningRate()),
                    String.format(Locale.ROOT, "%.4f", p.triple().initStd()),
                    String.format(Locale.ROOT, "%.3f", p.triple().embeddingMultiplier()),
                    String.format(Locale.ROOT, "%.4f", p.loss()),
                    run.diverged() ? "diverged" : String.format(Locale.ROOT, "%.4f", run.wideLoss()));
        }
        table.print(out);
        out.printf(Locale.ROOT, "best stays best: %s; ranking holds: %s; Spearman rho %.2f%n",
                r.bestStaysBest() ? "yes" : "no", r.rankingHolds() ? "yes" : "no", r.spearman());
    }
}
