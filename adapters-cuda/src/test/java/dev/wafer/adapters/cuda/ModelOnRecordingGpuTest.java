package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.suite.support.SuiteRuns;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The model suite's 20-step training run driven through the CUDA backend on a {@link RecordingGpu}: every launch,
 * copy and GEMM the real model issues (its shapes, slices and aliasing, gradient accumulation, AdamW, the gradient
 * norm) passes the argument, geometry and pointer-range checks without a device. The values are not computed (the
 * recording device reads zeros); the GPU tests compare them.
 */
@HostOnly
class ModelOnRecordingGpuTest {
    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void aTrainingRunIssuesOnlyValidLaunches(ParameterisationKind kind) {
        RecordingGpu gpu = new RecordingGpu();
        try (CudaBackend backend = new CudaBackend(gpu, "recording", true)) {
            double[] losses = SuiteRuns.twentyStepLosses(backend, kind);
            assertEquals(SuiteRuns.TWENTY_STEPS, losses.length);
        }
        Set<CudaKernel> launched = gpu.launches().stream().map(RecordingGpu.Launch::kernel)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(CudaKernel.class)));
        for (CudaKernel k : EnumSet.of(CudaKernel.ENCODER_FORWARD, CudaKernel.LAYERNORM_FORWARD,
                CudaKernel.ATTENTION_SOFTMAX, CudaKernel.GELU_FORWARD, CudaKernel.CROSSENTROPY_FORWARD,
                CudaKernel.CROSSENTROPY_BACKWARD, CudaKernel.ATTENTION_QKV_GRADIENT, CudaKernel.ADAMW_UPDATE,
                CudaKernel.SUM_OF_SQUARES_TOTAL)) {
            assertTrue(launched.contains(k), () -> kind + ": the training run never launched " + k.entry());
        }
        assertTrue(gpu.gemms().size() > 20 * 2 * 4, "the linear layers' SGEMMs, every micro-step");
    }

    /** The same run on the fast kernels: attention as batched GEMMs, every extent checked. */
    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void aTrainingRunOnTheFastKernelsIssuesOnlyValidLaunches(ParameterisationKind kind) {
        RecordingGpu gpu = new RecordingGpu();
        try (CudaBackend backend = new CudaBackend(gpu, "recording")) {
            double[] losses = SuiteRuns.twentyStepLosses(backend, kind);
            assertEquals(SuiteRuns.TWENTY_STEPS, losses.length);
        }
        Set<CudaKernel> launched = gpu.launches().stream().map(RecordingGpu.Launch::kernel)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(CudaKernel.class)));
        assertTrue(launched.containsAll(EnumSet.of(CudaKernel.ATTENTION_SOFTMAX_ROWS,
                CudaKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS)), launched::toString);
        assertTrue(!launched.contains(CudaKernel.ATTENTION_SOFTMAX), "no baseline attention on the fast path");
        assertTrue(gpu.batched().size() >= 20 * 6, "the attention products as batched GEMMs, every micro-step");
    }
}
