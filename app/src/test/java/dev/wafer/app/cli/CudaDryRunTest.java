package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --dry-run --backend cuda} on the stand-in CUDA libraries (8 GiB "device"): the estimate counts the
 * backend's own buffers ({@code workspace_bytes}: the scratch figures of {@code ScratchFootprintTest} and cuBLAS's
 * 32 MiB workspace) with the model's tensors, and the default micro-batch is sized with them.
 */
class CudaDryRunTest {
    @TempDir
    Path tmp;

    private JsonNode memory(Map<String, String> env, String... flags) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--backend", "cuda", "--preset", "111M",
                "--seq", "2048", "--dry-run", "--no-measure", "--json"));
        args.addAll(List.of(flags));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(StandInCuda.environment());
        CliRun run = StandInCuda.run(tmp, MpiLauncher.wafer(args), all);
        assertEquals(0, run.exitCode(), run.err());
        return new ObjectMapper().readTree(run.out()).get("memory");
    }

    @Test
    void theBackendsScratchIsCountedInTheEstimate() throws Exception {
        JsonNode fused = memory(Map.of(), "--precision", "bf16", "--micro-batch", "8");
        long cublas = 32L << 20;
        assertEquals(525_902_372L + cublas, fused.get("workspace_bytes").asLong(), fused::toString);
        assertEquals("bf16, fused attention", fused.get("activation_storage").asText());
        JsonNode baseline = memory(Map.of("WAFER_CUDA_KERNELS", "baseline"), "--precision", "fp32", "--micro-batch",
                "8");
        assertEquals(1_613_832_320L + cublas, baseline.get("workspace_bytes").asLong(), baseline::toString);
        JsonNode builtin = memory(Map.of("WAFER_CUDA_GEMM", "builtin"), "--precision", "fp32", "--micro-batch", "8");
        assertEquals(1_613_832_320L, builtin.get("workspace_bytes").asLong(), "no cuBLAS, no workspace: " + builtin);
    }

    @Test
    void theDefaultMicroBatchLeavesRoomForIt() throws Exception {
        JsonNode m = memory(Map.of("WAFER_CUDA_KERNELS", "baseline"), "--precision", "bf16");
        long total = m.get("state_bytes").asLong() + m.get("activation_bytes").asLong()
                + m.get("workspace_bytes").asLong();
        assertTrue(m.get("workspace_bytes").asLong() > 0, m::toString);
        assertTrue(total <= 0.8 * m.get("device_bytes").asLong(), m::toString);
        assertTrue(m.get("fits").asBoolean(), m::toString);
        // The fast kernels store bf16 tensors: the reason names the baseline ones (it said "backend 'cuda'").
        assertEquals("fp32 (the baseline CUDA kernels that WAFER_CUDA_KERNELS=baseline chooses store float32 tensors"
                + " only)", m.get("activation_storage").asText());
    }
}
