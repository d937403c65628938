package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code --backend} before and after the subcommand: two different values are refused in one line naming both (until
 * 2026-12-08 the subcommand's silently won, where twice on one level was refused); equal values run.
 */
class BackendOnTwoLevelsTest {
    private static final String[] TRAIN = {"--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq",
            "16", "--vocab", "64", "--batch", "2", "--steps", "1", "--seed", "3"};

    private static String[] args(String before, String after) {
        String[] head = {"--backend", before, "train", "--backend", after};
        String[] all = new String[head.length + TRAIN.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(TRAIN, 0, all, head.length, TRAIN.length);
        return all;
    }

    @Test
    void differentValuesOnTwoLevelsAreRefusedNamingBoth() {
        CliRun run = CliRun.of(args("cuda", "cpu"));
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertEquals("wafer: --backend given twice with different values: 'cuda' before the subcommand and 'cpu'"
                + " after 'train'; give it once", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void equalValuesOnTwoLevelsRun() {
        CliRun run = CliRun.of(args("cpu", "cpu"));
        assertEquals(0, run.exitCode(), run.err());
    }
}
