package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A checkpoint whose header was edited (checksums recomputed) is refused in one line naming what disagrees, before
 * a model is built from it: never an internal error, an out-of-memory exit or a run that trains on.
 */
class EditedCheckpointResumeTest {
    private static final long SEED = 31;

    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void trainTwoSteps() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 4000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        Path tokens = Files.write(tmp.resolve("tokens.bin"), buf.array());
        Path run = tmp.resolve("run");
        CliRun trained = CliRun.of("train", "--data", tokens.toString(), "--vocab", "97", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "4", "--stop-at", "2",
                "--out", run.toString(), "--json");
        assertEquals(0, trained.exitCode(), trained.err());
        checkpoint = run.resolve("checkpoint.wafer");
    }

    private static CliRun resumeEdited(String name, Consumer<ObjectNode> edit) throws Exception {
        Path edited = CheckpointHeaderEdit.edit(checkpoint, tmp.resolve(name).resolve("checkpoint.wafer"), edit);
        return CliRun.of("train", "--resume", edited.getParent().toString(), "--json");
    }

    static void assertRefused(CliRun run, String expected) {
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: ") && run.err().contains(expected), run.err());
        assertFalse(run.out().contains("\"step\""), "trained: " + run.out());
    }

    @Test
    void aHugeVocabularyInTheHeaderIsRefusedByTheTensorShapesBeforeAllocating() throws Exception {
        assertRefused(resumeEdited("vocab", h -> ((ObjectNode) h.get("model")).put("vocab", Integer.MAX_VALUE)),
                "tensor 'params/wte' has shape [97, 32] but [2147483647, 32] is required");
        // Large enough to exhaust a small heap rather than overflow a tensor: refused all the same.
        assertRefused(resumeEdited("vocab4m", h -> ((ObjectNode) h.get("model")).put("vocab", 4_000_000)),
                "tensor 'params/wte' has shape [97, 32] but [4000000, 32] is required");
    }

    @Test
    void aHugeContextInTheHeaderIsRefusedByTheTensorShapesBeforeAllocating() throws Exception {
        assertRefused(resumeEdited("positions",
                h -> ((ObjectNode) h.get("model")).put("positions", Integer.MAX_VALUE)),
                "tensor 'params/wpe' has shape [16, 32] but [2147483647, 32] is required");
    }

    @Test
    void aDataPositionBeyondTheTokensTrainedIsRefusedNamingTheField() throws Exception {
        for (long position : new long[] {Long.MAX_VALUE, 5}) {
            CliRun run = resumeEdited("position" + position, h -> ((ObjectNode) h.get("training").get("position"))
                    .put("data_position", position));
            assertRefused(run, "position.data_position: " + position + " sequences drawn, but 64 tokens trained"
                    + " in sequences of 16 are at most 4");
        }
        // The position the run reached resumes.
        CliRun same = resumeEdited("position4", h -> ((ObjectNode) h.get("training").get("position"))
                .put("data_position", 4));
        assertEquals(0, same.exitCode(), same.err());
    }

    @Test
    void aHeaderClaimingAnotherFormatVersionOrArchitectureIsRefusedNamingTheField() throws Exception {
        // Each was accepted and trained on (the version disagreeing with the preamble's too).
        assertRefused(resumeEdited("v3", h -> h.put("version", 3)),
                "header field 'version' is 3 but the preamble says 2; the file is damaged");
        assertRefused(resumeEdited("llama", h -> ((ObjectNode) h.get("model")).put("architecture", "llama")),
                "header field 'model.architecture' is \"llama\", expected \"gpt2\"");
        assertRefused(resumeEdited("noarch", h -> ((ObjectNode) h.get("model")).remove("architecture")),
                "header field 'model.architecture' is missing");
        assertRefused(resumeEdited("other", h -> h.put("format", "other")),
                "header field 'format' is \"other\", expected \"wafer-checkpoint\"");
    }

    @Test
    void aFlipInTheChecksumTableIsNotBlamedOnTheDataAlone() throws Exception {
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length - 8 - 4 - 4] ^= 1; // the last tensor's entry, before the file's CRC and the end magic
        Path flipped = Files.createDirectories(tmp.resolve("table")).resolve("checkpoint.wafer");
        Files.write(flipped, bytes);
        CliRun run = CliRun.of("train", "--resume", flipped.getParent().toString(), "--json");
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertTrue(run.err().contains("checksum mismatch in tensor 'adam_v/lnfb' [32]: its data or its entry in the"
                + " checksum table is corrupt"), run.err());
    }
}
