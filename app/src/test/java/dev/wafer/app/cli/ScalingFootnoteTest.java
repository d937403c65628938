package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.scaling.TokensPerParameterPenalty;

/**
 * Extra runs of a scaling study fitted at a ratio other than the paper's 20 tokens per parameter: the frontier stands
 * for the compute-optimal point, so an extra run's penalty is equation (4)'s at its ratio relative to the frontier's
 * (tau x 20 / R), and the footnote says so (until 2026-12-08 it said "for their tokens per parameter" alone, which
 * at R = 5 read as the penalty of 20 tokens per parameter, 0, while 80's was applied).
 */
class ScalingFootnoteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void extraRunsAtAnotherFrontierRatioArePenalisedRelativeToItAndSaySo(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("bytes16");
        StudyData.bytes16(data);
        Path out = tmp.resolve("scaling");
        CliRun run = CliRun.of("study", "scaling", "--data", data.toString(), "--seq", "16", "--batch", "2",
                "--parameterisation", "sp", "--sizes", "16x1,32x1,48x1", "--tokens-per-param", "0.05",
                "--extra-tokens-per-param", "0.1", "--d-head", "16", "--eval-sequences", "4", "--out", out.toString(),
                "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("extra runs: 'fit' is the fitted frontier times equation (4)'s penalty for"
                + " their tokens per parameter relative to the frontier's 0.05 (equation (4) at tokens/param x 20/0.05,"
                + " the frontier standing for the paper's compute-optimal 20)"), run.out());

        JsonNode root = JSON.readTree(out.resolve("scaling-sp.json").toFile());
        JsonNode fit = root.get("fit");
        for (JsonNode m : root.get("models")) {
            double law = fit.get("a").asDouble() * Math.pow(m.get("training_flops").asDouble(), fit.get("b").asDouble())
                    + fit.get("c").asDouble();
            double ratio = m.get("tokens_per_param").asDouble();
            double expected = m.get("fitted").asBoolean() ? law
                    : law * (1 + TokensPerParameterPenalty.fraction(ratio * 20 / 0.05));
            assertEquals(expected, m.get("predicted_loss").asDouble(), 1e-9 * expected, m.toString());
        }
    }
}
