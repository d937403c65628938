package dev.wafer.formats.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.MupSearchSpace;
import dev.wafer.domain.study.MupTransferCheck;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.study.ScalingStudy;

/** The studies' results as JSON-ready maps (non-finite numbers become {@code null}); one schema per study. */
public final class StudyJson {
    private StudyJson() {
    }

    public static Map<String, Object> coordinateCheck(CoordinateCheck.Result r, String backend) {
        CoordinateCheck.Settings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("study", "coord-check");
        root.put("parameterisation", s.kind().id());
        root.put("data", r.data());
        root.put("backend", backend);
        root.put("layers_per_model", s.layers());
        root.put("d_head", s.headDim());
        root.put("seq_length", s.seqLength());
        root.put("batch_sequences", s.batchSequences());
        root.put("steps", s.steps());
        root.put("lr", s.lr());
        root.put("seeds", s.seeds());
        root.put("seed", s.seed());
        root.put("statistic", "mean_abs");
        root.put("layers", r.layers());
        List<Object> widths = new ArrayList<>();
        for (CoordinateCheck.WidthResult w : r.widths()) {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("width", w.width());
            List<Object> steps = new ArrayList<>();
            for (int t = 0; t < w.meanAbs().length; t++) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("step", t + 1);
                Map<String, Object> values = new LinkedHashMap<>();
                for (int k = 0; k < r.layers().size(); k++) {
                    values.put(r.layers().get(k), num(w.meanAbs()[t][k]));
                }
                sm.put("mean_abs", values);
                steps.add(sm);
            }
            wm.put("steps", steps);
            wm.put("diverged", w.diverged().orElse(null));
            widths.add(wm);
        }
        root.put("widths", widths);
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String layer : r.layers()) {
            double[] c = r.curve(layer, s.steps());
            ratios.put(layer, num(c[c.length - 1] / c[0]));
        }
        root.put("last_step_ratio_largest_to_smallest_width", ratios);
        return root;
    }

    public static Map<String, Object> learningRateSweep(LearningRateSweep.Result r, String backend) {
        LearningRateSweep.Settings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("study", "lr-sweep");
        root.put("parameterisation", s.kind().id());
        root.put("data", r.data());
        root.put("backend", backend);
        root.put("layers_per_model", s.layers());
        root.put("d_head", s.headDim());
        training(root, s.training());
        root.put("tokens_per_run", r.tokens());
        root.put("steps_per_run", s.steps());
        root.put("loss", r.heldOut() ? "held-out" : "training (mean of last steps)");
        List<Object> points = new ArrayList<>();
        for (LearningRateSweep.Point p : r.points()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("width", p.width());
            pm.put("params", p.params());
            pm.put("lr", p.lr());
            pm.put("final_loss", num(p.finalLoss()));
            pm.put("train_loss", num(p.trainLoss()));
            pm.put("diverged", p.diverged());
            points.add(pm);
        }
        root.put("points", points);
        List<Object> best = new ArrayList<>();
        for (int w : s.widths()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("width", w);
            bm.put("best_lr", r.bestLr().get(w));
            best.add(bm);
        }
        root.put("best", best);
        return root;
    }

    public static Map<String, Object> scaling(ScalingStudy.Result r, String backend, double wallSeconds) {
        ScalingStudy.Settings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("study", "scaling");
        root.put("parameterisation", s.kind().id());
        root.put("data", r.data());
        root.put("backend", backend);
        training(root, s.training());
        root.put("peak_lr", s.peakLr());
        root.put("tokens_per_param", s.tokensPerParameter());
        root.put("loss", r.heldOut() ? "held-out" : "training (mean of last steps)");
        Map<String, Object> law = new LinkedHashMap<>();
        law.put("form", "L(f) = a * f^b + c");
        law.put("a", r.law().a());
        law.put("b", r.law().b());
        law.put("c", r.law().c());
        law.put("rms_residual", r.rmsResidual());
        root.put("fit", law);
        List<Object> models = new ArrayList<>();
        for (ScalingStudy.Model m : r.models()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            ModelShape sh = m.shape();
            mm.put("d_model", sh.dModel());
            mm.put("n_layers", sh.nLayers());
            mm.put("n_heads", sh.nHeads());
            mm.put("d_head", sh.dHead());
            mm.put("d_ffn", sh.dFfn());
            mm.put("vocab_size", sh.vocabSize());
            mm.put("params", m.params());
            mm.put("tokens_per_param", m.tokensPerParameter());
            mm.put("tokens", m.tokens());
            mm.put("steps", m.steps());
            mm.put("training_flops", m.flops());
            mm.put("loss", num(m.loss()));
            mm.put("train_loss", num(m.trainLoss()));
            mm.put("predicted_loss", num(m.predicted()));
            mm.put("deviation", num(m.deviation()));
            mm.put("fitted", m.onFrontier());
            mm.put("seconds", m.seconds());
            models.add(mm);
        }
        root.put("models", models);
        root.put("wall_seconds", wallSeconds);
        return root;
    }

    public static Map<String, Object> mupSearch(MupSearch.Result r, String backend) {
        MupSearch.Settings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("study", "mup-search");
        root.put("proxy", s.proxy());
        root.put("d_model", s.width());
        root.put("layers", s.layers());
        root.put("d_head", s.headDim());
        root.put("data", r.data());
        root.put("backend", backend);
        training(root, s.training());
        root.put("tokens_per_sample", s.steps() * s.training().batchTokens());
        root.put("steps_per_sample", s.steps());
        root.put("loss", r.heldOut() ? "held-out" : "training (mean of last steps)");
        Map<String, Object> ranges = new LinkedHashMap<>();
        ranges.put("eta_base", List.of(MupSearchSpace.BASE_LR.lo(), MupSearchSpace.BASE_LR.hi()));
        ranges.put("sigma_base", List.of(MupSearchSpace.INIT_STD.lo(), MupSearchSpace.INIT_STD.hi()));
        ranges.put("m_emb", List.of(MupSearchSpace.EMB_MULT.lo(), MupSearchSpace.EMB_MULT.hi()));
        root.put("log_uniform_ranges", ranges);
        List<Object> samples = new ArrayList<>();
        for (MupSearch.Sample p : r.samples()) {
            samples.add(sample(p));
        }
        root.put("samples", samples);
        root.put("best", r.best().map(StudyJson::sample).orElse(null));
        return root;
    }

    public static Map<String, Object> mupTransfer(MupTransferCheck.Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("d_model", r.width());
        List<Object> runs = new ArrayList<>();
        for (MupTransferCheck.Run run : r.runs()) {
            Map<String, Object> m = sample(run.sample());
            m.put("proxy_loss", m.remove("loss"));
            m.remove("diverged");
            m.put("wide_loss", num(run.wideLoss()));
            m.put("wide_diverged", run.diverged());
            runs.add(m);
        }
        root.put("runs", runs);
        root.put("best_stays_best", r.bestStaysBest());
        root.put("ranking_holds", r.rankingHolds());
        root.put("spearman", num(r.spearman()));
        return root;
    }

    private static Map<String, Object> sample(MupSearch.Sample p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", p.index());
        m.put("eta_base", p.triple().baseLearningRate());
        m.put("sigma_base", p.triple().initStd());
        m.put("m_emb", p.triple().embeddingMultiplier());
        m.put("loss", num(p.loss()));
        m.put("diverged", p.diverged());
        return m;
    }

    private static void training(Map<String, Object> root, dev.wafer.domain.study.StudyTraining t) {
        root.put("seq_length", t.seqLength());
        root.put("batch_sequences", t.batchSequences());
        root.put("warmup_fraction", t.warmupFraction());
        root.put("decay", "linear to 10% of peak");
        root.put("eval_sequences", t.evalSequences());
        root.put("seed", t.seed());
    }

    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
