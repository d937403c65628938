package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void printsRateAndTimeLeftAtMostEveryInterval() {
        long[] now = {0};
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 100, 1, 1_000_000_000L, () -> now[0]);
        for (int i = 0; i < 12; i++) {
            now[0] += 200_000_000L; // batches of two requests, 10 requests per second
            p.advanced("piqa", 2);
        }
        // Printed at 1.0 s and 2.0 s only: 20 done at 10/s leaves 80 requests, 8 seconds.
        assertEquals("eval piqa: 10/100 requests (10%), 10.0/s, ETA 0m09s\neval piqa: 20/100 requests (20%), 10.0/s, ETA 0m08s\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }
    /**
     * Under several tasks the count is the run's, so the line says how many tasks it covers and which is being scored
     * (until 2026-12-07 "eval hellaswag: 24/96" when hellaswag alone had 24 requests).
     */
    @Test
    void theCountOverSeveralTasksSaysSoAndNamesTheCurrentOne() {
        long[] now = {0};
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 96, 7, 1_000_000_000L, () -> now[0]);
        now[0] += 1_000_000_000L;
        p.advanced("hellaswag", 24);
        assertEquals("eval (7 tasks, now hellaswag): 24/96 requests (25%), 24.0/s, ETA 0m03s\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }
}
