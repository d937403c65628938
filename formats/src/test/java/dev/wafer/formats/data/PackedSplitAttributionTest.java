package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.audit.AuditPlan;
import dev.wafer.domain.audit.AuditSample;
import dev.wafer.domain.audit.RowSampler;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.ports.data.TokenizedCorpus.Document;

/**
 * Sampled rows are attributed to the same documents, with the same details, as when every document of the split was
 * held as an object (the old reading, kept below as the reference), on a seeded layout of many short documents of
 * three sources over several shards, with and without a source filter; and an audit plan holds only the sampled
 * documents, not the split's.
 */
class PackedSplitAttributionTest {
    private static final long SEED = 20261208L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void attributionEqualsTheOldWholeListReading() throws IOException {
        Path dataset = prepare(new SplittableRandom(SEED));
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset");
        for (Set<String> sources : List.of(Set.<String>of(), Set.of("B"), Set.of("A", "C"))) {
            Reference old = Reference.read(prepared, dataset, sources);
            try (PackedSplitCorpus corpus = PackedSplitCorpus.open(prepared, dataset, Split.TRAIN, sources)) {
                String why = "seed " + SEED + ", sources " + sources;
                assertEquals(old.documents.size(), corpus.documentCount(), why);
                for (long r = 0; r < corpus.rows(); r++) {
                    for (int i = 0; i < corpus.sequenceLength(); i++) {
                        assertEquals(old.documentAt(r, i, corpus.sequenceLength()), corpus.documentAt(r, i),
                                why + ": row " + r + " token " + i);
                    }
                }
                for (long seed = SEED; seed < SEED + 5; seed++) {
                    AuditPlan plan = RowSampler.sample(corpus, 5, 12, 25, seed);
                    assertEquals(old.documents.size(), plan.corpusDocuments(), why);
                    assertTrue(plan.documents().size() <= plan.samples().size(), why + ": only sampled documents held");
                    assertTrue(plan.documents().size() < old.documents.size(), why);
                    for (AuditSample s : plan.samples()) {
                        Document expected = old.documents.get(old.documentAt(s.row(), 5, corpus.sequenceLength()));
                        assertEquals(expected, plan.documents().get(s.document()), why + ": row " + s.row());
                    }
                }
                assertEquals(old.documents, corpus.documents(), why + ": the whole list, when asked for");
            }
        }
    }

    private Path prepare(SplittableRandom random) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 300; d++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 120 : 20);
            for (int i = 0; i < length; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            var line = JSON.createObjectNode().put("text", text.toString());
            line.putObject("meta").put("pile_set_name", "ABC".charAt(random.nextInt(3)) + "");
            jsonl.append(line).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        Path dataset = dir.resolve("ds");
        String split = "1,0,0";
        PrepareSettings settings = new PrepareSettings(dataset, new ByteTokenizer(), 16, 1234, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(), new HashSet<>(),
                        new WorkMatcher(List.of())), List.of(), List.of(), List.of(), Provenance.UNKNOWN_SOURCE,
                Provenance.UNKNOWN_LICENCE, false, 1, 7, 64L << 20);
        DatasetPreparer preparer = new DatasetPreparer(settings, Progress.NONE);
        preparer.prepare(Inputs.resolve(List.of(input), preparer.byteCounter()));
        return dataset;
    }

    /** The reading before 2026-12-08: every document of the split as an object, boxed positions and indices. */
    private record Reference(List<Document> documents, List<Long> allStarts, List<Integer> allIndex) {
        static Reference read(PreparedDataset dataset, Path directory, Set<String> sources) throws IOException {
            List<DatasetManifest.Shard> listed = dataset.manifest().split(Split.TRAIN).orElseThrow().shards();
            int seqLen = dataset.manifest().settings().seqLen();
            long[] shardStarts = new long[listed.size()];
            long stream = 0;
            for (int i = 0; i < shardStarts.length; i++) {
                shardStarts[i] = stream;
                stream += listed.get(i).sequences() * seqLen;
            }
            Reference r = new Reference(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            try (BufferedReader lines = Files.newBufferedReader(new DatasetLayout(directory).documents())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.contains("\"split\":\"train\"")) {
                        continue;
                    }
                    JsonNode n = JSON.readTree(line);
                    String source = n.path("source").asText();
                    long start = shardStarts[n.path("shard").asInt()] + n.path("offset").asLong();
                    r.allStarts.add(start);
                    if (!sources.isEmpty() && !sources.contains(source)) {
                        r.allIndex.add(-1);
                        continue;
                    }
                    r.allIndex.add(r.documents.size());
                    int kept = (int) Math.max(0, Math.min(n.path("tokens").asInt(), stream - start));
                    r.documents.add(new Document(n.path("hash").asText(), source, n.path("location").asText(), kept));
                }
            }
            return r;
        }

        int documentAt(long row, int offset, int seqLen) {
            long position = row * seqLen + offset;
            int k = java.util.Collections.binarySearch(allStarts, position);
            if (k < 0) {
                k = -k - 2;
            }
            return k < 0 ? -1 : allIndex.get(k);
        }
    }
}
