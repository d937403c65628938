package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.formats.reliability.FileMutations;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;

/**
 * Seeded mutation fuzzing of the membership-audit index and the manifest (bit flips, truncation, extension,
 * length-field edits): each mutated file either works or fails with the reader's one-line
 * {@link InvalidInputException}, never another exception or a hang; and with the checksums in place every
 * mutation that changes the bytes is refused. Rerun a failure with {@code -Dwafer.fuzz.seed=SEED}.
 */
class PreparedFilesFuzzTest {
    private static final String[] WORDS = "amber brook cinder delta ember fjord glade heron iris juniper kestrel loam"
            .split(" ");

    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void prepare() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 30; d++) {
            StringBuilder text = new StringBuilder("Doc " + d);
            for (int w = 0; w < 70; w++) {
                text.append(' ').append(WORDS[rng.nextInt(WORDS.length)]);
            }
            jsonl.append("{\"text\": \"").append(text).append("\"}\n");
        }
        Path input = Files.writeString(tmp.resolve("in.jsonl"), jsonl);
        dataset = tmp.resolve("ds");
        String split = "0.8,0.1,0.1";
        DatasetPreparer preparer = new DatasetPreparer(new PrepareSettings(dataset, new ByteTokenizer(), 32, 1, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(), new HashSet<>(), new WorkMatcher(List.of())),
                List.of(), List.of(), List.of(), Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 1, 1000,
                1 << 16), Progress.NONE);
        preparer.prepare(Inputs.resolve(List.of(input), preparer.byteCounter()));
    }

    private static long seed() {
        return Long.getLong("wafer.fuzz.seed", System.nanoTime());
    }

    private static void expectOneLine(InvalidInputException e, String where) {
        assertFalse(e.getMessage().contains("\n"), where + ": not one line: " + e.getMessage());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void auditIndexMutationsAreReadOrRefusedAndAlwaysCaughtByTheChecksum() throws IOException {
        long seed = seed();
        Path index = dataset.resolve(DatasetLayout.AUDIT_INDEX);
        byte[] good = Files.readAllBytes(index);
        long[] keys = new long[(good.length - 64) / 12];
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = b.getLong(64 + 8 * i);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset");
        try {
            for (int i = 0; i < 2000; i++) {
                String where = "seed " + seed + " (-Dwafer.fuzz.seed=" + seed + "), case " + i;
                byte[] bytes = FileMutations.mutate(good, rng, 16, 24);
                Files.write(index, bytes);
                try (AuditIndexFile.Mapped m = AuditIndexFile.open(index)) {
                    long[] hits = new long[1];
                    for (int q = 0; q < 20; q++) {
                        m.forEachId(q % 2 == 0 ? keys[rng.nextInt(keys.length)] : rng.nextLong(), id -> hits[0]++);
                    }
                    assertTrue(hits[0] <= 20L * (bytes.length / 12), where + ": more ids than entries");
                } catch (InvalidInputException e) {
                    expectOneLine(e, where);
                } catch (RuntimeException | Error e) {
                    fail(where + ": " + e, e);
                }
                if (!Arrays.equals(bytes, good)) {
                    try (AuditIndexFile.Mapped m = prepared.openAuditIndex()) {
                        fail(where + ": a changed index passed its checksum");
                    } catch (InvalidInputException e) {
                        expectOneLine(e, where);
                    }
                }
            }
        } finally {
            Files.write(index, good);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manifestMutationsAreRefusedByTheDigestAndOtherwiseReadOrRefusedInOneLine() throws IOException {
        long seed = seed();
        DatasetLayout layout = new DatasetLayout(dataset);
        byte[] good = Files.readAllBytes(layout.manifest());
        byte[] goodSidecar = Files.readAllBytes(layout.manifestSha256());
        SplittableRandom rng = new SplittableRandom(seed);
        try {
            for (int i = 0; i < 2500; i++) {
                String where = "seed " + seed + " (-Dwafer.fuzz.seed=" + seed + "), case " + i;
                byte[] bytes = FileMutations.mutate(good, rng);
                Files.write(layout.manifest(), bytes);
                // As damaged on disk: the digest must refuse every change.
                if (!Arrays.equals(bytes, good)) {
                    try {
                        PreparedDataset.open(dataset, "--dataset");
                        fail(where + ": a changed manifest passed its digest");
                    } catch (InvalidInputException e) {
                        expectOneLine(e, where);
                    } catch (RuntimeException | Error e) {
                        fail(where + ": " + e, e);
                    }
                }
                // As edited with the digest updated: the fields are checked before anything trusts them. Every
                // twelfth case only, as opening shards and the index (shared arenas) costs milliseconds.
                if (i % 12 != 0) {
                    continue;
                }
                Files.writeString(layout.manifestSha256(), ManifestCheck.line(bytes), StandardCharsets.US_ASCII);
                try {
                    PreparedDataset d = PreparedDataset.open(dataset, "--dataset");
                    d.openSplit(Split.TRAIN).close();
                    d.openAuditIndex().close();
                    d.documentsByAuditId(java.util.Set.of(0, 1));
                } catch (InvalidInputException e) {
                    expectOneLine(e, where);
                } catch (RuntimeException | Error e) {
                    fail(where + ": " + e, e);
                }
                Files.write(layout.manifestSha256(), goodSidecar);
            }
        } finally {
            Files.write(layout.manifest(), good);
            Files.write(layout.manifestSha256(), goodSidecar);
        }
    }
}
