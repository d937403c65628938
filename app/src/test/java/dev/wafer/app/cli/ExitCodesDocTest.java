package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The exit codes docs/reliability.md lists are every code the CLI and its adapters exit with: the list left out
 * 76 (an MPI collective that timed out) and the launcher's 1.
 */
class ExitCodesDocTest {
    private static String exitCodesParagraph() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(repo.resolve("wafer"))) {
            repo = repo.getParent();
        }
        String doc = Files.readString(repo.resolve("docs/reliability.md"));
        int at = doc.indexOf("Exit codes:");
        assertTrue(at >= 0, "docs/reliability.md has no 'Exit codes:' paragraph");
        int end = doc.indexOf("\n\n", at);
        return doc.substring(at, end < 0 ? doc.length() : end).replace('\n', ' ');
    }

    @Test
    void everyExitCodeIsListed() throws Exception {
        List<Integer> codes = new ArrayList<>(List.of(0, 1, StopSignals.PREEMPTED));
        for (Field f : WaferCommand.class.getDeclaredFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())) {
                codes.add(f.getInt(null));
            }
        }
        Field hung = Class.forName("dev.wafer.adapters.mpi.CollectiveWatchdog").getDeclaredField("EXIT_HUNG");
        hung.setAccessible(true);
        codes.add(hung.getInt(null));
        String paragraph = exitCodesParagraph();
        for (int code : codes) {
            assertTrue(paragraph.matches(".*[ (]" + code + " .*"), "exit code " + code + " is not in: " + paragraph);
        }
        assertTrue(paragraph.contains("128 + "), "a second signal's 128 + N: " + paragraph);
    }
}
