package dev.wafer.domain.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.collective.ThreadRanks;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Under mpirun each rank observes its own micro-batches; the report sums them (it counted rank 0's only, about 1/N
 * of the step's values).
 */
class UnderflowMonitorRanksTest {

    /** A host array as a tensor: all the monitor reads of one. */
    private record Values(float[] data) implements Tensor {
        public long length() {
            return data.length;
        }

        public Tensor slice(long offset, long length) {
            throw new UnsupportedOperationException();
        }

        public void copyFromHost(float[] src, int srcOffset, long offset, int count) {
            throw new UnsupportedOperationException();
        }

        public void copyToHost(long offset, float[] dst, int dstOffset, int count) {
            System.arraycopy(data, (int) offset, dst, dstOffset, count);
        }
    }

    /** Rank {@code rank}'s values: some that fp16 flushes (1e-9), some it keeps, none zero. */
    private static float[] values(long seed, int n) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(3) == 0 ? 1e-9f : 1 + random.nextFloat();
        }
        return v;
    }

    private static void observe(UnderflowMonitor m, int rank) {
        m.arm(true);
        float[] ln1 = values(11 + rank, 64 + rank);
        float[] dq = values(23 + rank, 32);
        m.cast("ln1", 0, new Values(ln1), ln1.length, true);
        m.cast("d_qkv", 0, new Values(dq), dq.length, true);
        m.arm(false);
    }

    @Test
    void countsAreSummedOverTheRanks() throws Exception {
        UnderflowMonitor single = new UnderflowMonitor(OperandFormat.FP16);
        observe(single, 0);
        observe(single, 1);
        List<UnderflowStat> expected = single.drain(SingleProcess.instance());

        List<List<UnderflowStat>> perRank = new ThreadRanks(2).run(c -> {
            UnderflowMonitor m = new UnderflowMonitor(OperandFormat.FP16);
            observe(m, c.rank());
            return m.drain(c);
        });
        assertEquals(expected, perRank.get(0));
        assertEquals(expected, perRank.get(1));
        assertTrue(expected.stream().allMatch(s -> s.flushed() > 0 && s.flushed() < s.nonZero()), expected::toString);
    }

    @Test
    void aRankWithNoMicroBatchInTheStepAddsNothing() throws Exception {
        UnderflowMonitor single = new UnderflowMonitor(OperandFormat.FP16);
        observe(single, 0);
        List<UnderflowStat> expected = single.drain();

        List<List<UnderflowStat>> perRank = new ThreadRanks(3).run(c -> {
            UnderflowMonitor m = new UnderflowMonitor(OperandFormat.FP16);
            if (c.rank() == 0) {
                observe(m, 0);
            }
            return m.drain(c);
        });
        assertEquals(expected, perRank.get(0));
        assertEquals(List.of(), perRank.get(2));
    }
}
