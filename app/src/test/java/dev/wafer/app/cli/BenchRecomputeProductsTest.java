package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.FlopCount;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --recompute}: {@code product_flops_per_s} counts the products the step executes, the recomputed
 * forward of every block but the last included (until 2026-12-08 it left them out, 811,776 FLOPs a token where the
 * profile counted 914,304 for this shape); {@code model_flops_per_s} stays Appendix F's count.
 */
class BenchRecomputeProductsTest {
    @Test
    void productFlopsCountTheRecomputedForward() throws Exception {
        CliRun run = CliRun.of("bench", "--d-model", "64", "--layers", "2", "--heads", "2", "--seq", "32", "--vocab",
                "512", "--batch", "4", "--steps", "1", "--json", "--recompute");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode line = new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        double tps = line.get("tokens_per_s").asDouble();
        ModelShape shape = ModelShape.withHeads(512, 32, 2, 2, 64, 256);
        assertEquals(914_304, FlopCount.matrixProductsTrainingPerToken(shape, true), 1e-6);
        assertEquals(914_304, line.get("product_flops_per_s").asDouble() / tps, 914_304 * 2e-3, line::toString);
        assertEquals(FlopCount.trainingPerToken(shape), line.get("model_flops_per_s").asDouble() / tps,
                FlopCount.trainingPerToken(shape) * 2e-3, line::toString);
        double peak = line.get("peak_gemm_flops_per_s").asDouble();
        double productShare = line.get("product_flops_per_s").asDouble() / peak;
        assertEquals(productShare, line.get("product_share_of_peak").asDouble(), 1e-3 * productShare + 1e-4);
    }
}
