package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The time each child gets from the overall deadline, on a clock the test moves. */
class DeadlineTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Deadline deadline = new Deadline(Duration.ofSeconds(420), now::get);

    private void advance(long seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void aChildGetsItsCapWhileMoreIsLeft() {
        advance(100);
        assertEquals(Duration.ofSeconds(320), deadline.left());
        assertEquals(Optional.of(Duration.ofSeconds(120)), deadline.budget(Duration.ofSeconds(120)));
    }

    @Test
    void aChildGetsWhatIsLeftLessTheReserveWhenThatIsLessThanItsCap() {
        advance(300);
        // 120 s left, 10 s kept to write the report: 110 s, under the cap of 150.
        assertEquals(Optional.of(Duration.ofSeconds(110)), deadline.budget(Duration.ofSeconds(150)));
    }

    @Test
    void nothingIsStartedWithLessThanTheMinimumOrWhatThePhaseNeeds() {
        advance(420 - 14); // 14 s left, 4 after the reserve: under the 5 s minimum
        assertEquals(Optional.empty(), deadline.budget(Duration.ofSeconds(60)));
        Deadline other = new Deadline(Duration.ofSeconds(100), now::get);
        advance(30); // 70 s left, 60 after the reserve
        assertEquals(Optional.of(Duration.ofSeconds(60)), other.budget(Duration.ofSeconds(150),
                Duration.ofSeconds(60)));
        advance(1);
        assertEquals(Optional.empty(), other.budget(Duration.ofSeconds(150), Duration.ofSeconds(60)));
    }

    @Test
    void pastTheDeadlineNothingRuns() {
        advance(500);
        assertEquals(Duration.ofSeconds(-80), deadline.left());
        assertEquals(Optional.empty(), deadline.budget(Duration.ofSeconds(60)));
    }

    @Test
    void theDeadlineMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Deadline(Duration.ZERO, now::get));
    }
}
