package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * A split's documents read back from shards of several files: each document's tokens are its text's bytes, each row
 * token is attributed to the document whose span (text and its end-of-text) holds it, and a source filter leaves the
 * other sources' rows unattributed.
 */
class PackedSplitCorpusTest {
    private static final long SEED = 4242L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void documentsAndRowsAreReadWhereTheyWerePacked() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder jsonl = new StringBuilder();
        Map<String, String> textByLocation = new HashMap<>();
        for (int d = 0; d < 9; d++) {
            StringBuilder text = new StringBuilder();
            int length = 20 + random.nextInt(60);
            for (int i = 0; i < length; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            var line = JSON.createObjectNode().put("text", text.toString());
            line.putObject("meta").put("pile_set_name", d % 3 == 0 ? "Three" : "Other");
            jsonl.append(line).append('\n');
            textByLocation.put("docs.jsonl:" + (d + 1), text.toString());
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        Path dataset = dir.resolve("ds");
        // What `wafer data prepare --seq-len 16 --tokenizer bytes --split 1,0,0 --sequences-per-shard 3` does.
        String split = "1,0,0";
        PrepareSettings settings = new PrepareSettings(dataset, new ByteTokenizer(), 16, 1234, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(), new HashSet<>(),
                        new WorkMatcher(List.of())), List.of(), List.of(), List.of(), Provenance.UNKNOWN_SOURCE,
                Provenance.UNKNOWN_LICENCE, false, 1, 3, 64L << 20);
        DatasetPreparer preparer = new DatasetPreparer(settings, Progress.NONE);
        preparer.prepare(Inputs.resolve(List.of(input), preparer.byteCounter()));
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset");
        assertTrue(prepared.manifest().split(Split.TRAIN).orElseThrow().shards().size() > 3, "several shards");
        try (PackedSplitCorpus corpus = PackedSplitCorpus.open(prepared, dataset, Split.TRAIN, Set.of())) {
            assertEquals(9, corpus.documents().size());
            assertEquals(16, corpus.sequenceLength());
            long covered = 0;
            for (int d = 0; d < 9; d++) {
                TokenizedCorpus.Document doc = corpus.documents().get(d);
                String text = textByLocation.get(doc.location().replaceAll(".*/", ""));
                int[] tokens = new int[doc.tokens()];
                corpus.read(d, 0, tokens);
                int[] expected = text.chars().limit(doc.tokens()).toArray();
                assertArrayEquals(expected, tokens, "seed " + SEED + ": " + doc);
                covered += doc.tokens() + 1;
            }
            // Every row token belongs to a document: document d covers its text and its end-of-text.
            int[] row = new int[16];
            long position = 0;
            for (long r = 0; r < corpus.rows(); r++) {
                corpus.readRow(r, row);
                for (int i = 0; i < 16; i++, position++) {
                    int d = corpus.documentAt(r, i);
                    assertTrue(d >= 0, "row " + r + " token " + i);
                    if (row[i] != 256) {
                        int[] one = new int[1];
                        // Text tokens match the document's own token at that offset.
                        long start = startOf(corpus, d);
                        corpus.read(d, (int) (position - start), one);
                        assertEquals(one[0], row[i], "seed " + SEED + ": row " + r + " token " + i);
                    }
                }
            }
            assertTrue(position <= covered);
        }
        try (PackedSplitCorpus three = PackedSplitCorpus.open(prepared, dataset, Split.TRAIN, Set.of("Three"))) {
            assertEquals(3, three.documents().size());
            three.documents().forEach(d -> assertEquals("Three", d.source()));
            int unattributed = 0;
            for (long r = 0; r < three.rows(); r++) {
                unattributed += three.documentAt(r, 0) < 0 ? 1 : 0;
            }
            assertTrue(unattributed > 0 && unattributed < three.rows(), "rows of other sources are left out");
        }
    }

    /** Stream position of document {@code d}: found by scanning for the first token attributed to it. */
    private static long startOf(PackedSplitCorpus corpus, int d) {
        for (long r = 0; r < corpus.rows(); r++) {
            for (int i = 0; i < corpus.sequenceLength(); i++) {
                if (corpus.documentAt(r, i) == d) {
                    return r * corpus.sequenceLength() + i;
                }
            }
        }
        throw new AssertionError("document " + d + " holds no row token");
    }
}
