package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.session.MemoryEstimate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Micro-batches are sized against the heap less what the program already holds: a run accepted against the whole
 * heap died of an OutOfMemoryError (exit 71), the default one even where {@code --micro-batch 1} ran.
 */
class HeapReserveSizingTest {
    private static final ModelShape MODEL = new ModelShape(ModelShape.GPT2_VOCAB, 128, 128, 2, 4, 32, 512);
    private static final int SEQ = 128;
    private static final BatchSizeSchedule BATCH = BatchSizeSchedule.constant(8, SEQ);
    private static final long ONE = MemoryEstimate.of(MODEL, 1, SEQ).totalBytes();

    private static TrainRunResolver resolver(long heap, long inUse, double slack) {
        return resolver(heap, new HeapReserve(() -> inUse, () -> { }, slack));
    }

    private static TrainRunResolver resolver(long heap, HeapReserve reserve) {
        TrainCommand cmd = new TrainCommand();
        CommandLine cli = new CommandLine(cmd);
        cli.parseArgs("--synthetic");
        cmd.spec = cli.getCommandSpec();
        return new TrainRunResolver(cmd.flags(), heap).reserve(reserve);
    }

    @Test
    void theDefaultRunsAMicroBatchOfOneWhereAnExplicitOneWould() {
        // A micro-batch of 1 fills 90% of the heap: more than the default's 80% share, yet --micro-batch 1 runs.
        long heap = (long) (ONE / 0.9);
        assertEquals(1, resolver(heap, 0, 0).check(MODEL, SEQ, 1));
        assertEquals(1, resolver(heap, 0, 0).choose(MODEL, SEQ, BATCH));
    }

    @Test
    void whatTheProgramHoldsIsNotTheRunsToUse() {
        long heap = ONE + (ONE >> 3);
        long held = ONE >> 2; // more than the heap left beside the run
        UserError explicit = assertThrows(UserError.class, () -> resolver(heap, held, 0.15).check(MODEL, SEQ, 1));
        UserError chosen = assertThrows(UserError.class, () -> resolver(heap, held, 0.15).choose(MODEL, SEQ, BATCH));
        for (UserError e : new UserError[] {explicit, chosen}) {
            assertTrue(e.getMessage().contains("the program already holds")
                    && e.getMessage().contains("but the JVM heap is " + Format.bytes(heap))
                    && e.getMessage().contains(Format.bytes((long) (ONE * 1.15) + held))
                    && e.getMessage().contains("WAFER_JAVA_OPTS=-Xmx"), e.getMessage());
        }
        // Without it, the same heap takes the run.
        assertEquals(1, resolver(heap, 0, 0).check(MODEL, SEQ, 1));
    }

    @Test
    void aLargeHeapStillGivesTheDefaultItsShare() {
        long heap = 40 * ONE;
        int micro = resolver(heap, 30L << 20, HeapReserve.SLACK).choose(MODEL, SEQ, BATCH);
        assertEquals(8, micro);
    }

    /** A heap full of garbage (a JVM that ran a test suite held 1.6 GiB) is collected before it refuses a run. */
    @Test
    void garbageIsCollectedBeforeItDecides() {
        long heap = ONE + (ONE >> 3);
        long[] held = {ONE}; // what total - free says until a collection
        int[] collections = {0};
        HeapReserve reserve = new HeapReserve(() -> held[0], () -> {
            collections[0]++;
            held[0] = 0;
        }, 0);
        assertEquals(1, resolver(heap, reserve).check(MODEL, SEQ, 1));
        assertEquals(1, collections[0]);
        held[0] = ONE;
        assertEquals(1, resolver(heap, reserve).choose(MODEL, SEQ, BATCH));
        assertEquals(2, collections[0]);
        // Where the garbage makes no difference nothing is collected.
        held[0] = ONE >> 3;
        assertEquals(8, resolver(40 * ONE, reserve).choose(MODEL, SEQ, BATCH));
        assertEquals(2, collections[0]);
    }
}
