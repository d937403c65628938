package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.collective.ThreadRanks;
import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.audit.TrainedRows;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;

/**
 * The memorization audit's {@link TrainedRows} against the rows a real {@link TrainingSession} fed its model: every
 * packed row starts with its own index, so the first input token of each batch row names the row the trainer read.
 * The replay from (rows, seed, the checkpoint's data position) must give exactly the recorded multiset, for part of
 * an epoch, several epochs across a batch-size change, a stopped and resumed run, and two data-parallel ranks.
 */
class TrainedRowsReplayTest {
    private static final int SEQ = 8;
    /** 11 stored rows: 10 drawn per epoch (the last only supplies a target). */
    private static final int STORED = 11;
    private static final ModelShape SHAPE = ModelShape.withHeads(29, SEQ, 1, 2, 16, 64);
    private static final Path FILE = Path.of("memory", "checkpoint");
    private static final long[] SEEDS = {3, 1234};

    /** Row i: token 0 is i, then a pattern of i. */
    private static final PatternRows ROWS = PatternRows.of(STORED, SEQ, SHAPE.vocabSize()).withIndexFirst();

    /** The trainer's source, recording the row behind each batch row it hands out. */
    private static final class Recording implements ResumableBatchSource {
        private final SequenceBatchSource inner;
        final List<Integer> rows = new ArrayList<>();

        Recording(long seed) {
            inner = new SequenceBatchSource(ROWS, seed);
        }

        @Override
        public void next(int[] inputs, int[] targets, int batch, int seq) {
            inner.next(inputs, targets, batch, seq);
            for (int b = 0; b < batch; b++) {
                rows.add(inputs[b * seq]);
            }
        }

        @Override
        public long position() {
            return inner.position();
        }

        @Override
        public void seek(long position) {
            inner.seek(position);
        }
    }

    /** 4 sequences per step for the first 64 tokens (2 steps), then 8: 48 sequences, 4.8 epochs. */
    private static RunSpec spec(long seed) {
        BatchSizeSchedule batches = BatchSizeSchedule.phased(SEQ, List.of(new BatchSizeSchedule.Phase(0, 4),
                new BatchSizeSchedule.Phase(64, 8)));
        WarmupDecaySchedule lr = WarmupDecaySchedule.paper(1e-3, 64, 320, DecayType.COSINE);
        return new RunSpec(SHAPE, ParameterisationKind.SP, SEQ, 2, new TrainingSchedule(lr, batches, 384),
                AdamWSettings.cerebras(1e-8), seed, new DataSpec(DataKind.DATASET, "/data", ""), Precision.FP32, false);
    }

    private static TrainingData data(Recording source) {
        return new TrainingData(source, Optional.empty(), "rows");
    }

    private static Map<Long, Long> recorded(List<Integer> rows) {
        Map<Long, Long> m = new TreeMap<>();
        rows.forEach(r -> m.merge((long) r, 1L, Long::sum));
        return m;
    }

    private static Map<Long, Long> replayed(long seed, long position) {
        TrainedRows t = TrainedRows.replay(STORED, seed, position);
        Map<Long, Long> m = new TreeMap<>();
        for (long r = 0; r < STORED + 3; r++) {
            if (t.timesSeen(r) > 0) {
                m.put(r, t.timesSeen(r));
            }
        }
        assertEquals(m.size(), t.distinctRows(), "distinct rows, seed " + seed);
        return m;
    }

    private static RunOutcome run(long seed, Recording source, SessionOptions options) {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            return TrainingSession.start(backend, scope, spec(seed), data(source), options, r -> { }).run();
        }
    }

    @Test
    void partOfAnEpochIsTheRowsDrawnSoFarEachOnce() {
        for (long seed : SEEDS) {
            Recording source = new Recording(seed);
            RunOutcome o = run(seed, source, SessionOptions.defaults().stopAt(2));
            long position = o.state().position().dataPosition();
            assertEquals(8, position);
            Map<Long, Long> expected = recorded(source.rows);
            assertEquals(8, expected.size(), "8 distinct rows in the first epoch, seed " + seed);
            assertEquals(expected, replayed(seed, position), "seed " + seed);
        }
    }

    @Test
    void severalEpochsAcrossABatchChangeCountEachRowPerEpoch() {
        for (long seed : SEEDS) {
            Recording source = new Recording(seed);
            RunOutcome o = run(seed, source, SessionOptions.defaults());
            assertTrue(o.complete());
            long position = o.state().position().dataPosition();
            assertEquals(48, position);
            Map<Long, Long> expected = recorded(source.rows);
            assertEquals(expected, replayed(seed, position), "seed " + seed);
            assertEquals(10, expected.size(), "every row but the last, seed " + seed);
            assertTrue(expected.values().containsAll(List.of(4L, 5L)),
                    "4 whole epochs and 0.8 of a fifth: " + expected);
            assertEquals(null, expected.get((long) STORED - 1), "the last row is never an input");
        }
    }

    @Test
    void aStoppedAndResumedRunIsReplayedFromTheLastCheckpointsPosition() {
        for (long seed : SEEDS) {
            InMemoryCheckpointStore store = new InMemoryCheckpointStore();
            Recording first = new Recording(seed);
            RunOutcome o = run(seed, first, SessionOptions.defaults().checkpointTo(new Checkpointing(store, FILE, 0))
                    .stopAt(4));
            long stoppedAt = o.state().position().dataPosition();
            assertEquals(24, stoppedAt);
            assertEquals(recorded(first.rows), replayed(seed, stoppedAt), "first part, seed " + seed);
            Recording rest = new Recording(seed);
            RunOutcome end;
            try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope();
                    CheckpointReader reader = store.open(FILE)) {
                RunState state = RunStateHeaders.state(FILE, reader.header());
                assertEquals(stoppedAt, state.position().dataPosition(), "the checkpoint records the position");
                end = TrainingSession.resume(backend, scope, state, reader, data(rest), SessionOptions.defaults(),
                        r -> { }).run();
            }
            List<Integer> all = new ArrayList<>(first.rows);
            all.addAll(rest.rows);
            assertEquals(recorded(all), replayed(seed, end.state().position().dataPosition()), "seed " + seed);
        }
    }

    @Test
    void twoDataParallelRanksReadTheSingleProcessOrder() throws Exception {
        for (long seed : SEEDS) {
            List<Object[]> ranks = new ThreadRanks(2).run(collective -> {
                Recording source = new Recording(seed);
                RunOutcome o = run(seed, source, SessionOptions.defaults().across(collective).stopAt(5));
                return new Object[] {source.rows, o.state().position().dataPosition()};
            });
            Recording single = new Recording(seed);
            RunOutcome alone = run(seed, single, SessionOptions.defaults().stopAt(5));
            long position = alone.state().position().dataPosition();
            for (Object[] rank : ranks) {
                assertEquals(position, rank[1], "every rank records the single-process position");
                @SuppressWarnings("unchecked")
                List<Integer> rows = (List<Integer>) rank[0];
                assertEquals(single.rows, rows, "every rank reads every micro-batch in order, seed " + seed);
            }
            assertEquals(recorded(single.rows), replayed(seed, position), "seed " + seed);
        }
    }
}
