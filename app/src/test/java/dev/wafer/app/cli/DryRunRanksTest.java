package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.app.backend.BackendCatalog;

/**
 * {@code train --dry-run --ranks 2} previews {@code mpirun -np 2} on this machine: the two JVMs share its memory, so
 * the default micro-batch is the one the dry run under mpirun chooses. It once sized each rank with the whole
 * machine's memory (micro_batch 3 and 10.9e9 bytes of activations against mpirun's 1 and 3.6e9).
 */
class DryRunRanksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode dryRun(Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("OMPI_COMM_WORLD_SIZE");
        env.remove("OMPI_COMM_WORLD_LOCAL_SIZE");
        env.remove("PMIX_RANK");
        env.putAll(extraEnv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 12];
        System.arraycopy(new String[] {"train", "--synthetic", "--d-model", "64", "--layers", "2", "--heads", "2",
            "--seq", "64", "--steps", "3"}, 0, all, 0, 12);
        System.arraycopy(args, 0, all, 12, args.length);
        int code = WaferCommand.run(java.util.stream.Stream.concat(java.util.Arrays.stream(all),
                java.util.stream.Stream.of("--dry-run", "--no-measure", "--json")).toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, BackendCatalog.standard());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        return JSON.readTree(printed.substring(printed.indexOf('{')));
    }

    @Test
    void ranksShareThisMachinesMemoryAsUnderMpirun() throws Exception {
        // A batch so large that memory, not the batch, bounds the default micro-batch even for one rank alone.
        JsonNode one = dryRun(Map.of(), "--batch", "8", "--micro-batch", "1");
        long perSequence = one.get("memory").get("activation_bytes").asLong();
        long heap = one.get("memory").get("heap_bytes").asLong();
        long batch = Long.highestOneBit(Math.max(64, 4 * heap / perSequence)) * 2;
        JsonNode preview = dryRun(Map.of(), "--batch", String.valueOf(batch), "--ranks", "2");
        JsonNode mpirun = dryRun(Map.of("OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_LOCAL_SIZE", "2",
                "OMPI_COMM_WORLD_RANK", "0"), "--batch", String.valueOf(batch));
        assertTrue(mpirun.get("micro_batch").asLong() < batch / 2, "memory-bound: " + mpirun);
        assertEquals(mpirun.get("micro_batch"), preview.get("micro_batch"));
        assertEquals(mpirun.get("memory"), preview.get("memory"));
    }

    @Test
    void theDefaultMicroBatchGivesEveryRankWorkWhenNoneSplitsTheBatchEqually() throws Exception {
        // 8 sequences on 3 ranks: it was 8, one micro-batch, and 2 ranks computed nothing; 2 gives each rank 1 or 2.
        JsonNode preview = dryRun(Map.of(), "--batch", "8", "--ranks", "3");
        JsonNode mpirun = dryRun(Map.of("OMPI_COMM_WORLD_SIZE", "3", "OMPI_COMM_WORLD_LOCAL_SIZE", "3",
                "OMPI_COMM_WORLD_RANK", "0"), "--batch", "8");
        assertEquals(2, preview.get("micro_batch").asInt(), preview.toString());
        assertEquals(2, mpirun.get("micro_batch").asInt(), mpirun.toString());
    }
}
