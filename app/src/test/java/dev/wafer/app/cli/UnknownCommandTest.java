package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A mistyped command gets one line naming it, the nearest command and the commands there are; exit 2. */
class UnknownCommandTest {

    @Test
    void mistypedTopLevelCommandSuggestsTheNearest() {
        CliRun run = CliRun.of("trian", "--steps", "3");
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: unknown command 'trian'; did you mean 'train'? (commands: models,"),
                run.err());
        assertTrue(run.err().contains("study)"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void mistypedNestedCommandNamesItsGroup() {
        CliRun run = CliRun.of("data", "prpare");
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: unknown data command 'prpare'; did you mean 'prepare'?"
                + " (data commands: prepare, fingerprint,"), run.err());
    }

    @Test
    void aWordLikeNoCommandSuggestsNone() {
        CliRun run = CliRun.of("xyzzy");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: unknown command 'xyzzy' (commands: "), run.err());
    }

    @Test
    void unknownOptionsKeepTheirOwnLine() {
        CliRun run = CliRun.of("models", "--bogus");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unknown option: '--bogus'"), run.err());
    }
}
