package dev.wafer.formats.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.ScalingStudy;

/** Writes the study plots as PNG files. Rendering is headless: no display is needed or used. */
public final class StudyPlots {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 420;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** Tableau's ten colours: distinguishable, and none as pale as XChart's default yellow. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private StudyPlots() {
    }

    /**
     * The coordinate check as microsoft/mup draws it: one panel per step in {@code steps}, width on a log2 axis,
     * mean |activation| on a log axis, one line per recorded layer.
     */
    public static void coordinateCheck(CoordinateCheck.Result result, List<Integer> steps, Path png)
            throws IOException {
        List<XYChart> panels = new ArrayList<>();
        double[] x = result.widths().stream().mapToDouble(w -> log2(w.width())).toArray();
        for (int t : steps) {
            XYChart chart = base(String.format(Locale.ROOT, "%s, lr %.0e, step %d%s", result.settings().kind().id(), result.settings().lr(), t,
                    t == 1 ? " (init)" : ""), "width (d_model, log2 axis)", "mean |activation| (log axis)");
            chart.getStyler().setYAxisLogarithmic(true);
            // Intermediate labels (2, 3, ... 9 per decade) only when few decades would leave too few labels.
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (String layer : result.layers()) {
                for (double v : result.curve(layer, t)) {
                    if (Double.isFinite(v) && v > 0) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            chart.getStyler().setYAxisLogarithmicDecadeOnly(hi / lo > 100);
            // x is log2(width); wide tick spacing keeps the ticks on whole octaves, labelled with the width.
            chart.getStyler().setXAxisTickMarkSpacingHint(Math.max(100, 440 / x.length));
            chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> String.valueOf(Math.round(Math.pow(2, v))));
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setXAxisMin(x[0] - 0.25).setXAxisMax(x[x.length - 1] + 0.25);
            for (String layer : result.layers()) {
                double[] y = result.curve(layer, t);
                double[][] xy = finitePositive(x, y);
                if (xy[0].length > 0) {
                    XYSeries s = chart.addSeries(layer, xy[0], xy[1]);
                    s.setMarker(SeriesMarkers.CIRCLE);
                }
            }
            panels.add(chart);
        }
        int cols = Math.min(panels.size(), 3);
        int rows = (panels.size() + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % cols) * PANEL_WIDTH,
                        (i / cols) * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** Final loss versus peak learning rate (log axis), one curve per width; diverged runs are left out. */
    public static void learningRateSweep(LearningRateSweep.Result result, Path png) throws IOException {
        XYChart chart = base(String.format(Locale.ROOT, "Learning-rate sweep (%s): %s loss after %,d tokens",
                result.settings().kind().id(), result.heldOut() ? "held-out" : "training", result.tokens()),
                "peak learning rate (log axis)", (result.heldOut() ? "held-out" : "training") + " loss (nats/token)",
                800, 540);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (int width : result.settings().widths()) {
            List<LearningRateSweep.Point> pts = result.points().stream()
                    .filter(p -> p.width() == width && !p.diverged()).toList();
            if (pts.isEmpty()) {
                continue;
            }
            Double best = result.bestLr().get(width);
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "width %d (best lr %s)", width,
                            best == null ? "none" : String.format(Locale.ROOT, "%.1e", best)),
                    pts.stream().mapToDouble(LearningRateSweep.Point::lr).toArray(),
                    pts.stream().mapToDouble(LearningRateSweep.Point::finalLoss).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        write(chart, png);
    }

    /**
     * Held-out loss versus training FLOPs on log axes: the compute-optimal runs, any runs at other tokens per
     * parameter, and the fitted frontier {@code a f^b + c} across the range.
     */
    public static void scaling(ScalingStudy.Result result, Path png) throws IOException {
        PowerLaw law = result.law();
        XYChart chart = base(String.format(Locale.ROOT, "Scaling study (%s): L(f) = %.3g f^%.4f + %.3f",
                result.settings().kind().id(), law.a(), law.b(), law.c()), "training FLOPs (log axis)",
                (result.heldOut() ? "held-out" : "training") + " loss (nats/token)", 820, 560);
        // Log FLOPs, labelled by decade. The loss axis is linear: over a small loss range a log axis has no decade
        // inside it to label. (XChart ignores the log scale when placing custom-formatted tick labels, so log axes
        // keep their default labels.)
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(true);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(v -> String.format(Locale.ROOT, "%.2f", v));
        List<ScalingStudy.Model> frontier = result.models().stream()
                .filter(m -> m.onFrontier() && Double.isFinite(m.loss())).toList();
        List<ScalingStudy.Model> extra = result.models().stream()
                .filter(m -> !m.onFrontier() && Double.isFinite(m.loss())).toList();
        double lo = result.models().stream().mapToDouble(ScalingStudy.Model::flops).min().orElseThrow();
        double hi = result.models().stream().mapToDouble(ScalingStudy.Model::flops).max().orElseThrow();
        int n = 60;
        double[] fx = new double[n];
        double[] fy = new double[n];
        for (int i = 0; i < n; i++) {
            fx[i] = Math.exp(Math.log(lo / 1.5) + (Math.log(hi * 1.5) - Math.log(lo / 1.5)) * i / (n - 1));
            fy[i] = law.lossAt(fx[i]);
        }
        XYSeries fit = chart.addSeries("fitted frontier", fx, fy);
        fit.setMarker(SeriesMarkers.NONE);
        fit.setLineColor(Color.GRAY);
        fit.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        XYSeries runs = chart.addSeries(ScalingStudy.ratio(result.settings().tokensPerParameter())
                        + " tokens/param (fitted)",
                frontier.stream().mapToDouble(ScalingStudy.Model::flops).toArray(),
                frontier.stream().mapToDouble(ScalingStudy.Model::loss).toArray());
        runs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        runs.setMarker(SeriesMarkers.CIRCLE);
        runs.setMarkerColor(new Color(0x1f77b4));
        if (!extra.isEmpty()) {
            XYSeries off = chart.addSeries("other tokens/param",
                    extra.stream().mapToDouble(ScalingStudy.Model::flops).toArray(),
                    extra.stream().mapToDouble(ScalingStudy.Model::loss).toArray());
            off.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            off.setMarker(SeriesMarkers.DIAMOND);
            off.setMarkerColor(new Color(0xd62728));
        }
        write(chart, png);
    }

    /**
     * Figure 13's view of the muP search: loss against each of η_base, σ_base and m_emb (log axes), one panel each,
     * the best sample in red; diverged samples are left out.
     */
    public static void mupSearch(MupSearch.Result result, Path png) throws IOException {
        List<MupSearch.Sample> ok = result.samples().stream().filter(p -> !p.diverged()).toList();
        String loss = (result.heldOut() ? "held-out" : "training") + " loss (nats/token)";
        String[] names = {"eta_base (log axis)", "sigma_base (log axis)", "m_emb (log axis)"};
        List<java.util.function.ToDoubleFunction<MupSearch.Sample>> axes = List.of(
                p -> p.triple().baseLearningRate(), p -> p.triple().initStd(),
                p -> p.triple().embeddingMultiplier());
        List<XYChart> panels = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            java.util.function.ToDoubleFunction<MupSearch.Sample> f = axes.get(k);
            XYChart chart = base(String.format(Locale.ROOT, "muP search on %s: %d samples (best in red)",
                    result.settings().proxy(), result.samples().size()), names[k], loss);
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setLegendVisible(false);
            // Room around the extremes, so no marker sits on the plot's edge.
            double lo = ok.stream().mapToDouble(f).min().orElse(1);
            double hi = ok.stream().mapToDouble(f).max().orElse(10);
            chart.getStyler().setXAxisMin(lo / 1.25).setXAxisMax(hi * 1.25);
            double yLo = ok.stream().mapToDouble(MupSearch.Sample::loss).min().orElse(0);
            double yHi = ok.stream().mapToDouble(MupSearch.Sample::loss).max().orElse(1);
            double pad = Math.max(0.05 * (yHi - yLo), 1e-3);
            chart.getStyler().setYAxisMin(yLo - pad).setYAxisMax(yHi + pad);
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            if (!ok.isEmpty()) {
                XYSeries all = chart.addSeries("samples", ok.stream().mapToDouble(f).toArray(),
                        ok.stream().mapToDouble(MupSearch.Sample::loss).toArray());
                all.setMarker(SeriesMarkers.CIRCLE);
            }
            result.best().ifPresent(b -> {
                XYSeries best = chart.addSeries("best", new double[] {f.applyAsDouble(b)}, new double[] {b.loss()});
                best.setMarker(SeriesMarkers.DIAMOND);
                best.setMarkerColor(new Color(0xd62728));
            });
            panels.add(chart);
        }
        BufferedImage grid = new BufferedImage(3 * PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), i * PANEL_WIDTH, 0, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        return base(title, xTitle, yTitle, PANEL_WIDTH, PANEL_HEIGHT);
    }

    private static XYChart base(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler st = chart.getStyler();
        chart.getStyler().setChartTitleFont(TITLE);
        chart.getStyler().setAxisTitleFont(AXIS);
        chart.getStyler().setAxisTickLabelsFont(TICKS);
        chart.getStyler().setLegendFont(TICKS);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(0xdddddd));
        st.setAntiAlias(true);
        st.setSeriesColors(PALETTE);
        return chart;
    }

    private static void write(XYChart chart, Path png) throws IOException {
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static double[][] finitePositive(double[] x, double[] y) {
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i]) && y[i] > 0) {
                keep.add(new double[] {x[i], y[i]});
            }
        }
        return new double[][] {keep.stream().mapToDouble(p -> p[0]).toArray(),
            keep.stream().mapToDouble(p -> p[1]).toArray()};
    }

    private static double log2(int v) {
        return Math.log(v) / Math.log(2);
    }
}
