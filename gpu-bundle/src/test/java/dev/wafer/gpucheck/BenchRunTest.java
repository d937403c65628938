package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A bench's part of the summary line: tokens/s, the kernel variant and the share of the GEMM peak it measured. */
class BenchRunTest {
    private static final BenchCase CUDA = new BenchCase("111M seq2048 batch8 bf16", "cuda", 768, 10, 12, 2048, 8,
            50257, 5, "bf16", false);

    private static BenchRun run(String line) {
        return new BenchRun(CUDA, "fast", new ProcessRun(0, line + "\n", false, Duration.ofSeconds(1)),
                ResultLine.lastOf(line), 989.4e12);
    }

    @Test
    void theSummaryGivesTheShareOfTheMeasuredPeak() {
        assertEquals("111M seq2048 batch8 bf16 81234 tok/s (fast, 41% of GEMM peak)",
                run("{\"tokens_per_s\":81234.4,\"share_of_peak\":0.4149}").summary());
        assertEquals("111M seq2048 batch8 bf16 81234 tok/s (fast)", run("{\"tokens_per_s\":81234.4}").summary());
    }

    @Test
    void aFailedPeakCheckIsSaid() {
        assertEquals("111M seq2048 batch8 bf16 81234 tok/s (fast, GEMM peak check FAILED)",
                run("{\"tokens_per_s\":81234.4,\"peak_gemm_flops_per_s\":null,\"peak_gemm_error\":\"GEMM peak: wrong\"}")
                        .summary());
    }
}
