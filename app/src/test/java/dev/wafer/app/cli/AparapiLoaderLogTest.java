package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aparapi's loader logs a SEVERE record where no OpenCL is installed; {@code wafer} drops that one record (the OpenCL
 * backend says the same in one line) and lets Aparapi's others through.
 */
class AparapiLoaderLogTest {
    private static LogRecord record(Level level, String sourceClass) {
        LogRecord r = new LogRecord(level, "Check your environment. Failed to load codegen native library");
        r.setSourceClassName(sourceClass);
        return r;
    }

    @Test
    void onlyTheLoadersFailureIsDropped() {
        assertFalse(WaferMain.NO_LOADER_FAILURE.isLoggable(record(Level.SEVERE,
                "com.aparapi.internal.opencl.OpenCLLoader")));
        assertTrue(WaferMain.NO_LOADER_FAILURE.isLoggable(record(Level.INFO,
                "com.aparapi.internal.opencl.OpenCLLoader")));
        assertTrue(WaferMain.NO_LOADER_FAILURE.isLoggable(record(Level.SEVERE, "com.aparapi.Kernel")));
    }

    /**
     * {@code wafer backends} in a fresh JVM whose temporary folder does not exist, so that Aparapi cannot unpack its
     * native library and its loader fails as it does where no OpenCL is installed: no SEVERE line.
     */
    @Test
    void backendsPrintsNoLoggingRecordWhenTheLoaderFails(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp.resolve("missing"), "-cp",
                System.getProperty("java.class.path"), WaferMain.class.getName(), "backends")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("opencl   unavailable"), out);
        assertEquals(List.of(), out.lines().filter(l -> l.startsWith("SEVERE") || l.contains("OpenCLLoader"))
                .toList(), out);
    }
}
