package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wafer train --dry-run --shard-optimizer --ranks N}: AdamW's moments per rank are {@code 2·ceil(P/N)} floats,
 * so 2 ranks halve them (111M: 2 x 111.0M params x 4 bytes = 888 MB on one rank), and the state shrinks by that much.
 */
class ShardedOptimizerDryRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode memory(String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--preset", "111M",
                "--synthetic", "--micro-batch", "1", "--seq", "64", "--stop-at", "1", "--dry-run", "--no-measure",
                "--json"));
        args.addAll(java.util.List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out()).get("memory");
    }

    @Test
    void twoShardsHalveTheOptimizerStatePerRank() throws Exception {
        JsonNode one = memory();
        JsonNode whole = memory("--ranks", "2");
        JsonNode sharded = memory("--ranks", "2", "--shard-optimizer");
        long params = one.get("state_bytes").asLong() / 16; // parameters, gradients, m and v: 4 floats each
        assertEquals(1, one.get("optimizer_shards").asInt());
        assertEquals(8 * params, one.get("optimizer_bytes_per_rank").asLong(), one.toString());
        assertEquals(8 * params, whole.get("optimizer_bytes_per_rank").asLong(), "2 ranks without sharding");
        assertEquals(2, sharded.get("optimizer_shards").asInt());
        assertEquals(8 * ((params + 1) / 2), sharded.get("optimizer_bytes_per_rank").asLong(), sharded.toString());
        assertEquals(one.get("state_bytes").asLong() - 8 * params + 8 * ((params + 1) / 2),
                sharded.get("state_bytes").asLong(), "parameters and gradients stay whole");
        assertTrue(params > 100_000_000L, "111M: " + params);
    }

    @Test
    void ranksIsOnlyForTheDryRun() {
        CliRun run = CliRun.of("train", "--synthetic", "--steps", "1", "--ranks", "2");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --ranks 2: only with --dry-run (a run takes its ranks from mpirun)", run.err().strip());
    }

    /** Under mpirun rank 0 alone prints the dry run: every rank printed it, and --json gave several objects. */
    @Test
    void underMpirunOnlyRankZeroPrintsTheDryRun() throws Exception {
        for (int rank = 0; rank < 2; rank++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.util.Map<String, String> env = java.util.Map.of("OMPI_COMM_WORLD_SIZE", "2",
                    "OMPI_COMM_WORLD_RANK", String.valueOf(rank));
            java.util.Map<String, String> environment = new java.util.HashMap<>(System.getenv());
            environment.putAll(env);
            int code = WaferCommand.run(new String[] {"train", "--synthetic", "--steps", "3", "--micro-batch", "4",
                "--dry-run", "--no-measure", "--json"},
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), environment,
                    dev.wafer.app.backend.BackendCatalog.standard());
            String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
            if (rank == 0) {
                assertEquals(2, JSON.readTree(printed).findValue("ranks").asInt(), printed);
            } else {
                assertEquals("", printed, "rank 1 prints nothing");
            }
        }
    }
}
