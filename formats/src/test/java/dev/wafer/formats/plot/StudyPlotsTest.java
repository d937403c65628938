package dev.wafer.formats.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.study.ScalingStudy;
import dev.wafer.domain.study.StudyModels;
import dev.wafer.domain.study.StudyTraining;

/** Each plot renders headless to a PNG that decodes, has the expected size and is more than a blank canvas. */
public class StudyPlotsTest {
    @TempDir
    Path tmp;

    @Test
    void coordinateCheckGrid() throws IOException {
        List<Integer> widths = List.of(64, 128, 256, 512);
        CoordinateCheck.Settings s = new CoordinateCheck.Settings(ParameterisationKind.SP, widths, 1, 32, 16, 2, 4,
                1e-2, 1, 1, AdamWSettings.cerebras(1e-8));
        List<String> layers = CoordinateCheck.layerNames(1);
        List<CoordinateCheck.WidthResult> rows = new ArrayList<>();
        for (int w : widths) {
            double[][] v = new double[4][layers.size()];
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < layers.size(); k++) {
                    v[t][k] = (k + 1) * 0.1 * Math.pow(w / 64.0, 0.3 * t);
                }
            }
            rows.add(new CoordinateCheck.WidthResult(w, v));
        }
        Path png = tmp.resolve("cc.png");
        StudyPlots.coordinateCheck(new CoordinateCheck.Result(s, "synthetic", layers, rows), List.of(1, 2, 3, 4),
                png);
        BufferedImage img = check(png);
        assertEquals(0, img.getWidth() % 3, "three panels per row");
        assertTrue(img.getHeight() > img.getWidth() / 3, "two rows of panels");
    }

    @Test
    void learningRateSweep() throws IOException {
        List<Double> lrs = List.of(1e-3, 3e-3, 1e-2, 3e-2);
        LearningRateSweep.Settings s = new LearningRateSweep.Settings(ParameterisationKind.MUP, List.of(64, 128),
                lrs, 2, 32, 4096, StudyTraining.of(16, 4, 8, 1));
        List<LearningRateSweep.Point> pts = new ArrayList<>();
        for (int w : List.of(64, 128)) {
            for (double lr : lrs) {
                boolean diverged = lr == 3e-2 && w == 128;
                double loss = 2 + Math.pow(Math.log10(lr / 3e-3), 2) + w / 1000.0;
                pts.add(new LearningRateSweep.Point(w, 1000L * w, lr, diverged ? Double.NaN : loss,
                        diverged ? Double.NaN : loss, diverged));
            }
        }
        Map<Integer, Double> best = new LinkedHashMap<>(Map.of(64, 3e-3, 128, 3e-3));
        Path png = tmp.resolve("lr.png");
        StudyPlots.learningRateSweep(new LearningRateSweep.Result(s, "synthetic", true, 4096, pts, best), png);
        check(png);
    }

    @Test
    void scaling() throws IOException {
        StudyTraining training = StudyTraining.of(64, 8, 64, 1);
        var family = List.of(StudyModels.shape(32, 1, 16, 257, 64), StudyModels.shape(48, 1, 16, 257, 64),
                StudyModels.shape(64, 2, 16, 257, 64), StudyModels.shape(96, 2, 16, 257, 64));
        ScalingStudy.Settings s = new ScalingStudy.Settings(ParameterisationKind.SP, family, 20, family.get(1),
                List.of(5.0), 3e-3, training);
        List<ScalingStudy.Plan> plans = ScalingStudy.plans(s);
        PowerLaw truth = new PowerLaw(30, -0.15, 1.0);
        double[] losses = plans.stream().mapToDouble(p -> truth.lossAt(p.flops()) * 1.01).toArray();
        Path png = tmp.resolve("scaling.png");
        StudyPlots.scaling(ScalingStudy.assemble(s, "synthetic", true, plans, losses, losses,
                new double[plans.size()]), png);
        check(png);
    }

    /** Decodes the PNG and checks it is a real plot: a sensible size and many colours (lines, text, legend). */
    public static BufferedImage check(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " is not a decodable image");
        assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, img.getWidth() + "x" + img.getHeight());
        Set<Integer> colours = new HashSet<>();
        int dark = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF) < 200) {
                    dark++;
                }
            }
        }
        assertTrue(colours.size() > 30, "only " + colours.size() + " colours: a blank or broken plot");
        assertTrue(dark > 200, "hardly any dark pixels (text, axes): " + dark);
        return img;
    }
}
