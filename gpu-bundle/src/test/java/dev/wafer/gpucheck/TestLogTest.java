package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child's log read back as far as it goes. */
class TestLogTest {

    @Test
    void aTornLastLineAndAnOpenTestAreReadAsACrash(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("log.jsonl");
        try (TestLog.Writer w = new TestLog.Writer(file)) {
            w.started("A > one()");
            w.finished(new TestOutcome("A > one()", TestOutcome.Status.PASSED, ""));
            w.started("A > two()");
        }
        Files.writeString(file, "{\"event\":\"finished\",\"te", StandardOpenOption.APPEND);
        TestLog log = TestLog.read(file);
        assertEquals(1, log.outcomes().size());
        assertEquals(Optional.of("A > two()"), log.running());
        assertFalse(log.done());
    }

    @Test
    void aCompleteLogIsDone(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("log.jsonl");
        try (TestLog.Writer w = new TestLog.Writer(file)) {
            w.started("A > one()");
            w.finished(new TestOutcome("A > one()", TestOutcome.Status.FAILED, "AssertionFailedError: no"));
            w.finished(new TestOutcome("B", TestOutcome.Status.SKIPPED, "no GPU"));
            w.done();
        }
        TestLog log = TestLog.read(file);
        assertTrue(log.done());
        assertEquals(Optional.empty(), log.running());
        assertEquals(1, log.count(TestOutcome.Status.FAILED));
        assertEquals("AssertionFailedError: no", log.outcomes().getFirst().detail());
    }

    @Test
    void aMissingLogIsAChildThatNeverStarted(@TempDir Path tmp) {
        TestLog log = TestLog.read(tmp.resolve("absent.jsonl"));
        assertFalse(log.done());
        assertTrue(log.outcomes().isEmpty());
    }
}
