package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.domain.recipe.MicroBatchSizer;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.RunSpec;

/**
 * A step with fewer micro-batches than ranks leaves ranks computing nothing: a resumed --micro-batch 8 --batch 8
 * checkpoint on 2 ranks said nothing; the run now notes how many ranks idle and which --micro-batch uses them all.
 */
class IdleRanksNoteTest {
    private static RunSpec spec(int batch, int micro) {
        MicroBatchSizer fixed = new FixedMicroBatch(1);
        return RunRecipe.fresh(RunRequest.defaults(), DataSpec.of(DataKind.SYNTHETIC), fixed)
                .withBatchFrom(0, batch, micro);
    }

    @Test
    void ranksWithoutAMicroBatchAreNotedWithTheMicroBatchThatUsesThemAll() {
        assertEquals(Optional.of("1 micro-batch of 8 sequences per step for 2 ranks: 1 rank computes nothing and"
                + " waits each step; --micro-batch 4 gives every rank an equal share"), IdleRanksNote.line(spec(8, 8), 0, 2));
        String three = IdleRanksNote.line(spec(8, 4), 0, 3).orElseThrow();
        assertTrue(three.startsWith("2 micro-batches of 4 sequences per step for 3 ranks: 1 rank computes"), three);
        assertTrue(three.endsWith("; --micro-batch 2 gives every rank work"), three);
        assertEquals(Optional.empty(), IdleRanksNote.line(spec(8, 4), 0, 2), "every rank has a micro-batch");
        assertEquals(Optional.empty(), IdleRanksNote.line(spec(8, 8), 0, 1), "one process");
        assertTrue(IdleRanksNote.line(spec(2, 1), 0, 4).orElseThrow().endsWith("use fewer ranks"));
    }

    /** The dry run's stderr for a tiny synthetic run with {@code args}, under the MPI environment {@code mpi}. */
    private static String dryRunErr(Map<String, String> mpi, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("OMPI_COMM_WORLD_SIZE");
        env.remove("OMPI_COMM_WORLD_LOCAL_SIZE");
        env.remove("OMPI_COMM_WORLD_RANK");
        env.remove("PMIX_RANK");
        env.putAll(mpi);
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("train", "--synthetic", "--d-model",
                "32", "--layers", "1", "--heads", "2", "--seq", "32", "--steps", "3", "--dry-run", "--no-measure"));
        all.addAll(java.util.List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, BackendCatalog.standard());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDryRunNotesIdleRanksAsTheRunDoes() {
        String note = "wafer: note: 1 micro-batch of 8 sequences per step for 2 ranks: 1 rank computes nothing and"
                + " waits each step; --micro-batch 4 gives every rank an equal share";
        assertTrue(dryRunErr(Map.of(), "--batch", "8", "--micro-batch", "8", "--ranks", "2").contains(note));
        assertTrue(dryRunErr(Map.of("OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_LOCAL_SIZE", "2",
                "OMPI_COMM_WORLD_RANK", "0"), "--batch", "8", "--micro-batch", "8").contains(note));
        assertTrue(!dryRunErr(Map.of(), "--batch", "8", "--micro-batch", "4", "--ranks", "2").contains("computes"));
    }
}
