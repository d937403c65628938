package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fileio.ExclusiveLock;

/**
 * Fills of one sample cache entry at once prepare it once and all use it. Until the fix each prepared its own copy
 * and renamed it into place, and every rename but the first failed ("Directory not empty"): two {@code wafer train}
 * runs, or the ranks of an {@code mpirun}, on an empty cache failed. What a killed fill left stayed forever.
 */
class SampleCacheFillTest {
    @TempDir
    Path cache;

    @Test
    void fillsOfOneEmptyEntryAtOnceAllSucceedWithTheSameEntry() throws Exception {
        int fills = 3;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(fills);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < fills; i++) {
                Callable<Path> fill = () -> {
                    start.await();
                    return SampleDataset.ensure(cache, "bytes", 32, Progress.NONE);
                };
                results.add(pool.submit(fill));
            }
            start.countDown();
            Set<Path> dirs = new TreeSet<>();
            for (Future<Path> r : results) {
                dirs.add(r.get(3, TimeUnit.MINUTES));
            }
            assertEquals(Set.of(cache.resolve("sample-bytes-utf8-seq32")), dirs);
        } finally {
            pool.shutdownNow();
        }
        Path dir = cache.resolve("sample-bytes-utf8-seq32");
        assertEquals(ManifestJson.read(dir).fingerprint(),
                ManifestJson.read(SampleDataset.ensure(cache, "bytes", 32, Progress.NONE)).fingerprint());
        assertEquals(List.of("sample-bytes-utf8-seq32"), names(cache), "nothing but the entry is left");
    }

    @Test
    void aFillRemovesWhatKilledFillsLeftButNotWhatALiveOneIsWriting() throws Exception {
        FileTime old = FileTime.from(Instant.now().minus(SampleCacheLeftovers.GRACE).minusSeconds(60));
        // A build before the fix killed while preparing: its copy, build and lock file.
        Path killed = Files.createDirectories(cache.resolve(".sample-111"));
        Files.createFile(Files.createDirectories(cache.resolve("..sample-111.prepare-2147483000"))
                .resolve("train-00000.bin"));
        Files.createFile(cache.resolve("..sample-111.prepare.lock"));
        // One killed just before taking its lock, long ago.
        Files.setLastModifiedTime(Files.createDirectories(cache.resolve(".sample-222")), old);
        // A live fill of an older build: just made its copy (not yet locked), and one holding its lock.
        Path young = Files.createDirectories(cache.resolve(".sample-333"));
        Path locked = Files.createDirectories(cache.resolve(".sample-444"));
        Path lockedBuild = Files.createDirectories(cache.resolve("..sample-444.prepare-7"));
        Files.setLastModifiedTime(locked, old);
        // A fill of this build killed while preparing the entry itself: its build and both lock files.
        Files.createDirectories(cache.resolve(".sample-bytes-utf8-seq32.prepare-2147483000"));
        Files.createFile(cache.resolve(".sample-bytes-utf8-seq32.prepare.lock"));
        Files.createFile(cache.resolve(".sample-bytes-utf8-seq32.lock"));
        try (ExclusiveLock live = ExclusiveLock.tryAcquire(cache.resolve("..sample-444.prepare.lock")).orElseThrow()) {
            SampleDataset.ensure(cache, "bytes", 32, Progress.NONE);
            assertFalse(Files.exists(killed));
            assertEquals(List.of("..sample-444.prepare-7", "..sample-444.prepare.lock", ".sample-333", ".sample-444",
                    "sample-bytes-utf8-seq32"), names(cache));
            assertTrue(Files.isDirectory(young) && Files.isDirectory(lockedBuild));
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
