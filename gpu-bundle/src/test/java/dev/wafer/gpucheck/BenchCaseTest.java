package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Both sides of a GPU comparison get the same warm-up, the one the developers' guide gives PyTorch. */
class BenchCaseTest {
    @Test
    void gpuShapesWarmWaferAndPyTorchUpAlike() {
        for (BenchCase c : BenchCase.gpu()) {
            assertEquals(BenchCase.GPU_WARMUP, c.warmup(), c::label);
            assertTrue(c.waferArguments().contains("--warmup=4"), c.waferArguments()::toString);
            assertTrue(c.torchArguments().contains("--warmup=4"), c.torchArguments()::toString);
            assertEquals(4, c.profiled().warmup(), "a profiled rerun keeps the warm-up");
            assertEquals(4, c.unfused().warmup(), "an unfused rerun keeps the warm-up");
        }
    }

    @Test
    void theRehearsalKeepsOneWarmUpStep() {
        for (BenchCase c : BenchCase.rehearsal("cpu")) {
            assertTrue(c.waferArguments().contains("--warmup=1"), c.waferArguments()::toString);
            assertTrue(c.torchArguments().contains("--warmup=1"), c.torchArguments()::toString);
        }
    }

    /** The goals' shapes are profiled: the bf16 one first (the utilisation goal), then the fp32 one. */
    @Test
    void theLongestShapeOfEachPrecisionIsProfiledBf16First() {
        var labels = BenchCase.toProfile(BenchCase.gpu()).stream().map(c -> c.profiled().label()).toList();
        assertEquals(java.util.List.of("111M seq2048 batch8 bf16 profiled", "111M seq2048 batch8 fp32 profiled"),
                labels);
        assertTrue(BenchCase.toProfile(BenchCase.gpu()).stream().allMatch(c -> c.profiled().waferArguments()
                .contains("--profile")));
        assertEquals(java.util.List.of("tiny cpu fp32"), BenchCase.toProfile(BenchCase.cpuPart()).stream()
                .map(BenchCase::label).toList(), "a precision without a case is not profiled");
    }
}
