package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.session.RunPosition;

/**
 * The resume command a stopped or failed run advises continues the run as asked when pasted into a shell: it carried
 * neither the run's --stop-at or --max-tokens (following it trained past them) nor quotes (a path with a space split
 * into two words).
 */
class ResumeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void carriesTheStopsAndQuotesWhatTheShellWouldSplit() {
        assertEquals("wafer train --resume run/a-1.b", ResumeCommand.of(Path.of("run/a-1.b"), null, null));
        assertEquals("wafer train --resume '/tmp/x/my run' --stop-at 200",
                ResumeCommand.of(Path.of("/tmp/x/my run"), 200L, null));
        assertEquals("wafer train --resume run --stop-at 5 --max-tokens 4096",
                ResumeCommand.of(Path.of("run"), 5L, 4096L));
        assertEquals("wafer train --resume run --backend opencl --stop-at 5 --checkpoint-every 100",
                ResumeCommand.of(Path.of("run"), "opencl", 5L, null, 100L));
        assertEquals("'it'\\''s $HOME'", ResumeCommand.quote("it's $HOME"));
        assertEquals("'~/run'", ResumeCommand.quote("~/run"));
        assertEquals("'a*b'", ResumeCommand.quote("a*b"));
        assertEquals("''", ResumeCommand.quote(""));
    }

    @Test
    void aDeviceFailureAdvisesTheSameCommand() {
        NewestCheckpoint newest = new NewestCheckpoint(r -> { }, null, 0, 200L, null);
        newest.checkpointed(new RunPosition(40, 0, 40, 0), Path.of("/tmp/x/my run/checkpoint.wafer"));
        String line = newest.continueFrom();
        assertTrue(line.endsWith("continue with: wafer train --resume '/tmp/x/my run' --stop-at 200"), line);
        NewestCheckpoint every = new NewestCheckpoint(r -> { }, null, 0, null, null, 10L);
        every.checkpointed(new RunPosition(40, 0, 40, 0), Path.of("run/checkpoint.wafer"));
        assertTrue(every.continueFrom("cuda").endsWith("continue with: wafer train --resume run --backend cuda"
                + " --checkpoint-every 10"), every.continueFrom("cuda"));
    }

    @Test
    void anotherRunsCheckpointIsRefusedWithAResumeFlagThatPastes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("my run"));
        Files.writeString(dir.resolve("checkpoint.wafer"), "another run's");
        CliRun run = CliRun.of("train", "--synthetic", "--vocab", "97", "--d-model", "16", "--layers", "1",
                "--heads", "2", "--seq", "8", "--batch", "2", "--steps", "2", "--out", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("continue it with --resume '" + dir + "', or pass --overwrite"), run.err());
    }
}
