package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The line a report quotes for a child that failed: its reason, never the last frame of a trace. */
class ProcessRunTest {

    private static String lastLine(String output) {
        return new ProcessRun(1, output, false, Duration.ZERO).lastLine();
    }

    @Test
    void aOneLineRefusalIsQuotedAsItIs() {
        assertEquals("wafer: the cuda device failed: cuLaunchKernel failed: CUDA_ERROR_LAUNCH_FAILED (719)",
                lastLine("WARNING: Using incubator modules\nwafer: the cuda device failed: cuLaunchKernel failed:"
                        + " CUDA_ERROR_LAUNCH_FAILED (719)\n\n"));
    }

    @Test
    void aTraceIsQuotedByItsException() {
        String trace = "wafer: internal error (this is a bug in wafer; please report it with the trace below): boom\n"
                + "java.lang.IllegalStateException: scope closed twice\n"
                + "\tat dev.wafer.domain.model.GptModel.forward(GptModel.java:253)\n"
                + "\tat dev.wafer.app.cli.WaferMain.main(WaferMain.java:28)\n";
        assertEquals("java.lang.IllegalStateException: scope closed twice", lastLine(trace));
        assertEquals("Caused by: java.io.IOException: disk full", lastLine(trace
                + "Caused by: java.io.IOException: disk full\n\tat java.io.FileOutputStream.write(Native Method)\n"
                + "\t... 12 more\n"));
    }

    @Test
    void linesThatOnlyLookLikeFramesAreKept() {
        assertEquals("at 40% of the peak", lastLine("tokens/s 123\nat 40% of the peak\n"));
        assertEquals("", lastLine("\n  \n"));
    }
}
