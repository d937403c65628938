package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test phase in its child JVM: a child that dies (as a native crash would) or hangs loses none of the outcomes
 * it reported, and the phase names the test it died in.
 */
class TestPhaseTest {

    private static final TestSuite DYING = new TestSuite("tests fixture",
            List.of("class:dev.wafer.gpucheck.fixture.DyingTests"), "fast");

    private static TestPhase run(String how, Duration budget, Path tmp) {
        return TestPhase.run(Children.ofThisJvm(), DYING, Map.of("WAFER_GPU_CHECK_FIXTURE", how), budget, tmp);
    }

    @Test
    void aChildThatDiesIsRecordedAsCrashedWithWhatRanBeforeAndTheTestItDiedIn(@TempDir Path tmp) {
        TestPhase phase = run("halt", Duration.ofSeconds(60), tmp);
        assertEquals(TestPhase.CRASHED, phase.status(), phase.run().output());
        assertEquals(134, phase.run().exitCode());
        assertEquals(1, phase.log().count(TestOutcome.Status.PASSED));
        assertEquals(1, phase.failed());
        assertEquals(Optional.of("DyingTests > diesThird()"), phase.log().running());

        ObjectNode node = Json.object();
        assertEquals("crashed", phase.record(node));
        assertEquals("DyingTests > diesThird()", node.get("running_when_it_ended").asText());
        assertEquals("exit 134", node.get("child").asText());
        assertTrue(node.has("output_tail"));
        assertEquals("fast", node.get("kernel_variant").asText());
    }

    @Test
    void aChildThatHangsIsKilledAtItsBudget(@TempDir Path tmp) {
        TestPhase phase = run("hang", Duration.ofSeconds(8), tmp);
        assertEquals(TestPhase.TIMED_OUT, phase.status(), phase.run().output());
        assertTrue(phase.run().elapsed().compareTo(Duration.ofSeconds(20)) < 0, "killed late: " + phase.run());
        assertEquals(Optional.of("DyingTests > diesThird()"), phase.log().running());
        assertEquals(2, phase.log().outcomes().size());
    }

    @Test
    void aChildThatFinishesWithAFailureIsFailedNotCrashed(@TempDir Path tmp) {
        // Without the fixture variable the class is disabled: the run ends normally with one skipped container.
        TestPhase phase = TestPhase.run(Children.ofThisJvm(), DYING, Map.of(), Duration.ofSeconds(60), tmp);
        assertTrue(phase.log().done(), phase.run().output());
        assertEquals(1, phase.log().count(TestOutcome.Status.SKIPPED));
        assertEquals(TestPhase.PASSED, phase.status());
    }
}
