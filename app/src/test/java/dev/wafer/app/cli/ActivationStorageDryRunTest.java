package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.model.ActivationFootprint;
import dev.wafer.domain.model.ActivationStorage;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.OperandFormat;

/**
 * The dry run on the CPU backend sizes a bf16 run's activations as the model will allocate them: the linear layers'
 * inputs, the attention's input qkv and its probabilities in bf16 ({@code memory.activation_storage}), so {@code activation_bytes} is the bf16-storage footprint's
 * bytes (what {@code ActivationFootprintTest} checks against the allocations); float32 where the run keeps them so.
 */
class ActivationStorageDryRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelShape SHAPE = ModelShape.gpt(768, 10, 64).withSeqLength(64);

    private static JsonNode memory(String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--d-model", "768",
                "--layers", "10", "--heads", "12", "--seq", "64", "--batch", "2", "--micro-batch", "2", "--synthetic",
                "--steps", "1", "--dry-run", "--no-measure", "--json"));
        args.addAll(java.util.List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out()).get("memory");
    }

    private static long bytes(ModelPrecision p) {
        return ActivationFootprint.of(SHAPE, 2, 64, false, ActivationStorage.choose("cpu",
                EnumSet.allOf(Capability.class), p)).totalBytes();
    }

    @Test
    void aBf16RunIsSizedWithItsActivationsInBf16() throws Exception {
        JsonNode fp32 = memory("--precision", "fp32");
        JsonNode bf16 = memory("--precision", "bf16");
        JsonNode bf16Grads = memory("--precision", "bf16", "--fp32-attention-grads");
        JsonNode underflow = memory("--precision", "bf16", "--underflow-report", "1");
        assertEquals("fp32", fp32.get("activation_storage").asText());
        assertEquals("bf16", bf16.get("activation_storage").asText());
        assertEquals("bf16 (ln1 fp32)", bf16Grads.get("activation_storage").asText());
        assertEquals("fp32 (kept float32 for this run)", underflow.get("activation_storage").asText());
        assertEquals(bytes(ModelPrecision.FP32), fp32.get("activation_bytes").asLong(), fp32::toString);
        assertEquals(bytes(new ModelPrecision(OperandFormat.BF16, false)), bf16.get("activation_bytes").asLong());
        assertEquals(bytes(new ModelPrecision(OperandFormat.BF16, true)), bf16Grads.get("activation_bytes").asLong());
        assertEquals(bytes(ModelPrecision.FP32), underflow.get("activation_bytes").asLong());
        // Ten layers of ln1, atty, ln2 (768 wide), qkv (3 x 768) and fchGelu (3072) at 2 x 64 tokens and of the
        // 2 x 12 x 64 x 64 probabilities, two bytes fewer a value.
        assertEquals(10L * 128 * (6 * 768 + 3072) * 2 + 10L * 2 * 12 * 64 * 64 * 2,
                fp32.get("activation_bytes").asLong() - bf16.get("activation_bytes").asLong());
        // --fp32-attention-grads keeps only ln1 float32.
        assertEquals(10L * 128 * 768 * 2, bf16Grads.get("activation_bytes").asLong()
                - bf16.get("activation_bytes").asLong());
    }
}
