package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.aparapi.Config;
import org.junit.jupiter.api.Test;

/**
 * Aparapi's native loader logs a SEVERE record where no OpenCL is installed, on every command that probes the
 * backends; the probe says the same in its own words, so the load is quiet, and Aparapi's logger is left at the level
 * it had. Run in a fresh JVM, where the loader has not been initialised by another test.
 */
class QuietLoaderTest {
    /** Loads OpenCL through the discovery with a handler on Aparapi's logger; prints what reached it. */
    public static final class Probe {
        public static void main(String[] args) {
            Logger log = Logger.getLogger(Config.getLoggerName());
            Level before = log.getLevel();
            List<String> published = new ArrayList<>();
            log.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (log.isLoggable(record.getLevel())) {
                        published.add(record.getLevel() + " " + record.getMessage());
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
            boolean available = AparapiOpenClDiscovery.openClAvailable();
            System.out.println("records " + published);
            System.out.println("level restored " + (log.getLevel() == before) + ", available " + available);
        }
    }

    @Test
    void loadingOpenClLogsNothingAndLeavesTheLevel() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("records ") || l.startsWith("level ")).toList();
        assertEquals(2, lines.size(), out);
        assertEquals("records []", lines.get(0), out);
        assertEquals(true, lines.get(1).startsWith("level restored true"), out);
        assertEquals(List.of(), out.lines().filter(l -> l.startsWith("SEVERE")).toList(), out);
    }
}
