package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The steps of a multi-rank preparation, with ranks as threads and with one process. */
class MultiRankProtocolTest {
    private static <T> List<Object> onRanks(int n, java.util.function.Function<Collective, Callable<T>> work)
            throws Exception {
        MultiRankPreparationTest.ThreadRanks.start(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                futures.add(pool.submit(work.apply(MultiRankPreparationTest.ThreadRanks.rank(r))));
            }
            List<Object> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    results.add(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyRankLearnsRankZerosProcessAndWhoDisagrees() throws Exception {
        assertEquals(List.of(1000L, 1000L, 1000L), onRanks(3, c -> () -> MultiRankProtocol.leadProcess(c,
                1000L + c.rank())));
        assertEquals(List.of(Optional.of(2), Optional.of(2), Optional.of(2)), onRanks(3, c -> () ->
                MultiRankProtocol.disagreeingRank(c, c.rank() == 2 ? "other inputs" : "same inputs")));
        assertEquals(List.of(Optional.empty(), Optional.empty()), onRanks(2, c -> () ->
                MultiRankProtocol.disagreeingRank(c, "same")));
        assertEquals(42L, MultiRankProtocol.leadProcess(SingleProcess.instance(), 42L));
    }

    @Test
    void onlyRankZeroStartsAndAFailedStartStopsEveryRank() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        assertEquals(List.of("ok", "ok"), onRanks(2, c -> () -> {
            MultiRankProtocol.start(c, starts::incrementAndGet);
            return "ok";
        }));
        assertEquals(1, starts.get(), "rank 0 alone starts the build");
        List<Object> failed = onRanks(2, c -> () -> {
            MultiRankProtocol.start(c, () -> {
                throw new IOException("disk full");
            });
            return "ok";
        });
        assertInstanceOf(IOException.class, failed.get(0), "rank 0 keeps its own reason");
        assertInstanceOf(RankFailedException.class, failed.get(1), "the others learn rank 0 could not start");
        assertTrue(((RankFailedException) failed.get(1)).getMessage().contains("rank 0"),
                ((Exception) failed.get(1)).getMessage());
    }
}
