package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Once the check is stopping, no child starts, and every child started before is among those to kill. */
class StartGateTest {
    @Test
    void aClosedGateListsTheLiveChildrenAndStartsNoMore() throws IOException, InterruptedException {
        StartGate gate = new StartGate();
        assertEquals(0, ProcessRun.of(gate, List.of("true"), Map.of(), Duration.ofSeconds(30)).exitCode());
        Process sleeper = gate.start(new ProcessBuilder("sleep", "30"));
        try {
            List<ProcessHandle> live = gate.close();
            assertTrue(live.stream().anyMatch(p -> p.pid() == sleeper.pid()), "the live child is listed: " + live);

            ProcessRun refused = ProcessRun.of(gate, List.of("true"), Map.of(), Duration.ofSeconds(30));
            assertEquals(ProcessRun.NOT_STARTED, refused.exitCode());
            assertTrue(refused.output().contains("the check is stopping"), refused.output());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }
}
