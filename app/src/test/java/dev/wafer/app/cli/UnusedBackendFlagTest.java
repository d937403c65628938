package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A command that computes nothing refuses an explicit --backend: the user would believe it chose something. */
class UnusedBackendFlagTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "data stats --dataset /nonexistent --backend cuda|data stats does not use a compute backend; remove --backend",
        "--backend opencl data prepare --out /nonexistent|data prepare does not use a compute backend; remove --backend",
        "data fingerprint --backend cuda --text /x --out /y|data fingerprint does not use a compute backend",
        "models --backend cuda|models does not use a compute backend; remove --backend",
        "--backend cpu plan --flops 1e20|plan does not use a compute backend",
        "backends --backend cuda|backends does not use a compute backend",
        "study --backend cuda|'wafer study' without a command does not use --backend",
        "--backend cuda|'wafer' without a command does not use --backend",
    })
    void refusedWithOneLine(String args, String expected) {
        CliRun run = CliRun.of(args.split(" "));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: " + expected), run.err());
        assertEquals("", run.out());
    }

    @Test
    void withoutTheFlagTheCommandRuns() {
        CliRun run = CliRun.of("models");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("111M"), run.out());
    }

    @Test
    void helpStillWorksWithTheFlag() {
        assertEquals(0, CliRun.of("models", "--backend", "cuda", "--help").exitCode());
    }
}
