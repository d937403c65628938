package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.ShingleTable;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.TextNormaliser;
import dev.wafer.domain.data.WordShingles;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.domain.data.dedup.Jaccard;
import dev.wafer.ports.data.RawDocument;
import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.ProgressReporter;

/** Duplicate removal in the preparation use case, with in-memory ports. */
class DedupPreparationTest {
    private static final long SEED = 77;
    private static final ProgressReporter QUIET = (name, total, unit) -> new ProgressReporter.Task() {
        @Override
        public void stepTo(long done) {
        }

        @Override
        public void close() {
        }
    };

    /** A corpus with its planted copies: location -> location of the original it copies. */
    private record Planted(DatasetPreparationTest.Corpus corpus, Map<String, String> exact, Map<String, String> near) {
    }

    /**
     * 240 documents of 80-140 words from 3000 random words; after them, exact copies of 12 and copies of 12 more
     * with one word changed (Jaccard about 0.95), each at least 20 documents after its original.
     */
    private static Planted planted() {
        SplittableRandom r = new SplittableRandom(SEED);
        String[] vocabulary = new String[3000];
        for (int i = 0; i < vocabulary.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int c = 3 + r.nextInt(5); c > 0; c--) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            vocabulary[i] = w.toString();
        }
        List<RawDocument> docs = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 80 + r.nextInt(61); w > 0; w--) {
                b.append(vocabulary[r.nextInt(vocabulary.length)]).append(w % 11 == 0 ? ".\n" : " ");
            }
            texts.add(b.toString());
            docs.add(new RawDocument(b.toString(), i % 2 == 0 ? "Forest" : "Meadow", null, "memory:" + (i + 1)));
        }
        Map<String, String> exact = new TreeMap<>();
        Map<String, String> near = new TreeMap<>();
        for (int k = 0; k < 24; k++) {
            int original = k * 9;
            String text = texts.get(original);
            if (k >= 12) {
                String[] words = text.split(" ", -1);
                words[words.length / 2] = "zzchanged";
                text = String.join(" ", words);
            }
            String location = "memory:" + (docs.size() + 1);
            docs.add(new RawDocument(text, docs.get(original).source(), null, location));
            (k < 12 ? exact : near).put(location, "memory:" + (original + 1));
        }
        return new Planted(new DatasetPreparationTest.Corpus(docs, new TreeMap<>()), exact, near);
    }

    private static PreparationReport prepare(DatasetPreparationTest.MemoryStore store, Planted p, DedupMode mode,
                                             int threads) throws IOException {
        PreparationSettings settings = new PreparationSettings(DatasetPreparationTest.BYTES, 16, 11,
                new SplitAssigner(0.7, 0.15, 0.15), new ProvenanceRules(Set.of(), Set.of(), new WorkMatcher(List.of())),
                "unknown", "unknown", false, threads, 5, 20_000,
                new DedupSettings(mode, DedupSettings.DEFAULT_THRESHOLD));
        return new DatasetPreparation(settings, store, QUIET).prepare(List.of(p.corpus()));
    }

    private static Map<String, String> removed(DatasetPreparationTest.MemoryStore store) {
        Map<String, String> out = new TreeMap<>();
        for (String line : store.duplicates) {
            String[] f = line.split(" ");
            out.put(f[0], f[1]);
        }
        return out;
    }

    @Test
    void exactModeRemovesTheIdenticalCopiesOnlyAndKeepsTheEarliest() throws IOException {
        Planted p = planted();
        DatasetPreparationTest.MemoryStore store = new DatasetPreparationTest.MemoryStore();
        PreparationReport report = prepare(store, p, DedupMode.EXACT, 2);
        assertEquals(p.exact(), removed(store), "seed " + SEED);
        store.duplicates.forEach(l -> assertTrue(l.endsWith(" 1.0"), l));
        assertEquals(p.corpus().docs().size() - p.exact().size(), store.documents.size());
        assertEquals(p.exact().size(), report.summary().duplicates());
        Set<String> kept = locations(store);
        p.exact().forEach((copy, original) -> {
            assertFalse(kept.contains(copy), copy);
            assertTrue(kept.contains(original), original);
        });
    }

    @Test
    void nearModeAlsoRemovesEditedCopiesAndTheAuditIndexLeavesThemOut() throws IOException {
        Planted p = planted();
        DatasetPreparationTest.MemoryStore store = new DatasetPreparationTest.MemoryStore();
        PreparationReport report = prepare(store, p, DedupMode.NEAR, 3);
        Map<String, String> expected = new TreeMap<>(p.exact());
        expected.putAll(p.near());
        assertEquals(expected, removed(store), "seed " + SEED);
        for (String line : store.duplicates) {
            double similarity = Double.parseDouble(line.split(" ")[2]);
            assertTrue(similarity >= DedupSettings.DEFAULT_THRESHOLD && similarity <= 1, line);
        }
        assertEquals(p.corpus().docs().size() - expected.size(), store.documents.size());
        Map<String, Long> bySource = new HashMap<>();
        report.summary().rows().forEach(r -> bySource.put(r.source(), r.duplicates()));
        assertEquals(expected.size(), bySource.values().stream().mapToLong(Long::longValue).sum());

        // Audit ids are dense over the kept training documents, and each finds its document.
        MembershipAudit audit = new MembershipAudit(ShingleTable.ofSorted(store.auditKeys, store.auditIds));
        Map<String, String> text = p.corpus().textByLocation();
        Set<Integer> ids = new HashSet<>();
        for (PackedDocument d : store.documents) {
            if (d.auditId() < 0) {
                continue;
            }
            ids.add(d.auditId());
            MembershipAudit.Result r = audit.audit(new TextNormaliser().normalise(text.get(d.location())));
            assertTrue(r.member(), d.location());
            assertEquals(d.auditId(), r.documents().get(0).documentId(), d.location());
        }
        assertEquals(ids.size(), store.auditDocuments);
        for (int i = 0; i < ids.size(); i++) {
            assertTrue(ids.contains(i), "audit ids are 0.." + (ids.size() - 1) + ", missing " + i);
        }
    }

    @Test
    void eachRemovedDocumentIsSimilarToAKeptEarlierOneWhateverTheThreads() throws IOException {
        Planted p = planted();
        DatasetPreparationTest.MemoryStore one = new DatasetPreparationTest.MemoryStore();
        DatasetPreparationTest.MemoryStore three = new DatasetPreparationTest.MemoryStore();
        prepare(one, p, DedupMode.NEAR, 1);
        prepare(three, p, DedupMode.NEAR, 3);
        assertEquals(one.duplicates, three.duplicates);
        assertEquals(one.documents, three.documents);
        Set<String> kept = locations(one);
        Map<String, String> text = p.corpus().textByLocation();
        WordShingles shingles = new WordShingles(DedupSettings.SHINGLE_WORDS);
        for (Map.Entry<String, String> e : removed(one).entrySet()) {
            assertTrue(kept.contains(e.getValue()), "listed as a duplicate of a kept document: " + e);
            assertTrue(number(e.getValue()) < number(e.getKey()), "the kept one comes first: " + e);
            double exact = Jaccard.ofSorted(shingles.distinct(text.get(e.getKey())),
                    shingles.distinct(text.get(e.getValue())));
            assertTrue(exact >= 0.7, "truly similar: " + e + " " + exact);
        }
    }

    private static Set<String> locations(DatasetPreparationTest.MemoryStore store) {
        Set<String> out = new HashSet<>();
        store.documents.forEach(d -> out.add(d.location()));
        return out;
    }

    private static int number(String location) {
        return Integer.parseInt(location.substring(location.indexOf(':') + 1));
    }
}
