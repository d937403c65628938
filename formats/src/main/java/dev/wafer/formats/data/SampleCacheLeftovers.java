package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wafer.formats.fileio.ExclusiveLock;

/**
 * What a killed fill of the sample cache by a build before 2026-12-07 left there: its temporary copy
 * {@code .sample-N} (N a random number), and that copy's build {@code ..sample-N.prepare-PID}, old copy
 * {@code ..sample-N.old-PID} and lock {@code ..sample-N.prepare.lock} ({@link DatasetStaging}). They stayed forever.
 * A group is removed once its lock is free: at once when it has a build or old copy (which exist only while the lock
 * is held, so their process is gone), else when all of it is older than {@link #GRACE} (a live fill held no lock for a
 * few milliseconds at each end, when its copy was new). Fills since then use the entry's own name, whose leftovers
 * the next fill of that entry removes ({@link DatasetStaging}).
 */
final class SampleCacheLeftovers {
    static final Duration GRACE = Duration.ofMinutes(10);
    private static final Pattern LEFTOVER = Pattern.compile(
            "\\.sample-(\\d+)|\\.\\.sample-(\\d+)\\.(prepare-\\d+|old-\\d+|prepare\\.lock)");

    private SampleCacheLeftovers() {
    }

    /** Removes stale groups from {@code cacheRoot}; best effort: what cannot be removed now is left for later. */
    static void removeStale(Path cacheRoot) {
        Map<String, List<Path>> groups = new TreeMap<>();
        try (var list = Files.list(cacheRoot)) {
            list.forEach(p -> {
                Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (m.matches()) {
                    groups.computeIfAbsent(m.group(1) != null ? m.group(1) : m.group(2), n -> new ArrayList<>()).add(p);
                }
            });
        } catch (IOException e) {
            return;
        }
        groups.forEach((n, members) -> removeIfStale(cacheRoot, n, members));
    }

    private static void removeIfStale(Path cacheRoot, String n, List<Path> members) {
        Path lockFile = cacheRoot.resolve("..sample-" + n + ".prepare.lock");
        try {
            // A young group without a build may be a live fill between its lock's release and its rename.
            if (!hasBuild(members) && !allOlder(members)) {
                return;
            }
            Optional<ExclusiveLock> lock = ExclusiveLock.tryAcquire(lockFile);
            if (lock.isEmpty()) {
                return;
            }
            try (ExclusiveLock held = lock.get()) {
                // Checked again under the lock: a build committed meanwhile is a complete copy being moved in.
                List<Path> now = members.stream().filter(p -> !p.equals(lockFile))
                        .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList();
                if (hasBuild(now) || allOlder(now)) {
                    for (Path p : now) {
                        DatasetFiles.deleteTree(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Left for a later fill: a leftover is wasted space, not a reason to fail this run.
        }
    }

    private static boolean hasBuild(List<Path> members) {
        return members.stream().anyMatch(p -> p.getFileName().toString().matches(".*\\.(prepare|old)-\\d+"));
    }

    private static boolean allOlder(List<Path> members) throws IOException {
        Instant cutoff = Instant.now().minus(GRACE);
        for (Path p : members) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) {
                return false;
            }
        }
        return true;
    }
}
