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
        Progress p = new Progress(new PrintWriter(text), 100, 1_000_000_000L, () -> now[0]);
        for (int i = 0; i < 12; i++) {
            now[0] += 200_000_000L; // batches of two requests, 10 requests per second
            p.advanced("piqa", 2);
        }
        // Printed at 1.0 s and 2.0 s only: 20 done at 10/s leaves 80 requests, 8 seconds.
        assertEquals("eval piqa: 10/100 requests (10%), 10.0/s, ETA 0m09s\neval piqa: 20/100 requests (20%), 10.0/s, ETA 0m08s\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }
}
