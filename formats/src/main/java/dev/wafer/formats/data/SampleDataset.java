package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.formats.fileio.ExclusiveLock;
import dev.wafer.ports.text.Tokenizer;

/**
 * The embedded sample corpus, prepared once per tokenizer and sequence length (GPT-2 by default) with the rules
 * (Books3 excluded, as the sample's README demonstrates), and cached, so that {@code wafer train} runs on real text
 * with no flags and no download.
 */
public final class SampleDataset {
    /** The split used for the sample: a validation split large enough to measure a loss on. */
    public static final String SPLIT = "0.9,0.05,0.05";
    private static final long SEED = 1234;

    private SampleDataset() {
    }

    /** Where prepared samples are cached: {@code $WAFER_CACHE}, else {@code ~/.cache/wafer}. */
    public static Path defaultCacheRoot() {
        String configured = System.getenv("WAFER_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "wafer");
    }

    /**
     * The prepared sample for {@code seqLen} under {@code cacheRoot}, preparing it first if needed. Preparation
     * builds beside the cache entry and renames the complete build into place ({@link DatasetStaging}), so an
     * interrupted run leaves nothing half-made; processes (or threads, or the ranks of an {@code mpirun}) that need
     * the same entry at once prepare it once: each takes the entry's lock {@code .ENTRY.lock} in turn, and whoever
     * finds the entry complete once it holds the lock uses it (until 2026-12-07 each prepared its own copy and every
     * one but the first failed to rename it into place: "Directory not empty", exit 2).
     */
    public static Path ensure(Path cacheRoot, int seqLen, Progress progress) throws IOException {
        return ensure(cacheRoot, "gpt2", seqLen, progress);
    }

    /**
     * As {@link #ensure(Path, int, Progress)} with another tokenizer ({@code gpt2} or {@code bytes}, see
     * {@link TokenizerFactory}); each tokenizer and sequence length has its own cached directory.
     */
    public static Path ensure(Path cacheRoot, String tokenizerName, int seqLen, Progress progress) throws IOException {
        Tokenizer tokenizer = new TokenizerFactory().create(tokenizerName);
        String id = tokenizer instanceof GptTokenizer ? "gpt2" : tokenizer.name().replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = cacheRoot.resolve("sample-" + id + "-seq" + seqLen);
        if (completeWithoutLock(dir)) {
            return dir;
        }
        Files.createDirectories(cacheRoot);
        try (ExclusiveLock fill = ExclusiveLock.acquire(cacheRoot.resolve("." + dir.getFileName() + ".lock"))) {
            // Another run may have prepared it while this one waited: checked as any cached entry is.
            if (complete(dir)) {
                return dir;
            }
            // Prepared by an older wafer (no checksums), damaged, or half deleted: prepare it again.
            deleteTree(dir);
            SampleCacheLeftovers.removeStale(cacheRoot);
            PrepareSettings settings = new PrepareSettings(dir, tokenizer, seqLen, SEED, SPLIT,
                    SplitAssigner.parse(SPLIT), new ProvenanceRules(new HashSet<>(List.of("Books3")), new HashSet<>(),
                            new WorkMatcher(List.of())),
                    List.of("Books3"), List.of(), List.of(), Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE,
                    false, Runtime.getRuntime().availableProcessors(), 65536, 64L << 20);
            DatasetPreparer preparer = new DatasetPreparer(settings, progress);
            preparer.prepare(List.of(Inputs.sample(preparer.byteCounter())));
            return dir;
        }
    }

    /** Whether {@code dir} is complete and current, read without the lock: any doubt is settled under the lock. */
    private static boolean completeWithoutLock(Path dir) {
        try {
            return complete(dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean complete(Path dir) throws IOException {
        return Files.isRegularFile(dir.resolve(DatasetLayout.MANIFEST)) && isCurrent(dir);
    }

    /**
     * The prepared GPT-2 sample for {@code seqLen} under {@code cacheRoot} when it is there and current, as
     * {@link #ensure(Path, int, Progress)} would return it without preparing; empty otherwise. Writes nothing.
     */
    public static java.util.Optional<Path> prepared(Path cacheRoot, int seqLen) throws IOException {
        Path dir = directory(cacheRoot, seqLen);
        return Files.isRegularFile(dir.resolve(DatasetLayout.MANIFEST)) && isCurrent(dir)
                ? java.util.Optional.of(dir) : java.util.Optional.empty();
    }

    /** Where {@link #ensure(Path, int, Progress)} keeps the GPT-2 sample for {@code seqLen} under {@code cacheRoot}. */
    public static Path directory(Path cacheRoot, int seqLen) {
        return cacheRoot.resolve("sample-gpt2-seq" + seqLen);
    }

    private static boolean isCurrent(Path dir) throws IOException {
        try {
            PreparedDataset.open(dir, "--data");
            return true;
        } catch (dev.wafer.formats.input.InvalidInputException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
