package dev.wafer.formats.data.planted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.input.InvalidInputException;

/**
 * Scores a deduplicated dataset's {@code duplicates.jsonl} against a planted corpus's {@code truth.jsonl}.
 * Positives are the planted copies whose exact Jaccard with their original is at or above the threshold; a removed
 * document is a true positive when it is a planted copy listed as the duplicate of a member of its own cluster.
 * Negatives are the documents that should stay (originals and unrelated documents); a removed negative, or a copy
 * listed as the duplicate of another cluster's document, is a false positive. Copies below the threshold are
 * counted apart: removing them is neither required nor wrong. Documents the dataset never took in (excluded by a
 * rule of {@code data prepare}, or malformed) are neither positives nor negatives: deduplication never saw them. They
 * are counted apart, by reason. A cluster whose original was left out still has an original as deduplication saw it:
 * its first copy (in input order) that the dataset kept takes the original's place, a negative, not a missed
 * positive.
 *
 * @param positives          planted copies at or above the threshold
 * @param truePositives      of them, removed as a duplicate of their own cluster
 * @param negatives          originals and unrelated documents
 * @param falsePositives     negatives removed, and documents removed as a duplicate of another cluster
 * @param belowThreshold     planted copies below the threshold
 * @param belowRemoved       of them, removed (as a duplicate of their own cluster)
 * @param removed            lines of duplicates.jsonl
 * @param leftOut            documents of the truth file the dataset did not take in, by reason ({@code
 *                           --exclude-source}, {@code --allow-licence}, {@code --exclude-work}, {@code malformed}),
 *                           in that order
 * @param standIns           copies that took the place of their left-out original (counted as negatives)
 */
public record DuplicateScore(long positives, long truePositives, long negatives, long falsePositives,
                             long belowThreshold, long belowRemoved, long removed, Map<String, Long> leftOut,
                             long standIns) {
    public DuplicateScore {
        leftOut = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(leftOut));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fraction of positives removed. */
    public double recall() {
        return positives == 0 ? 1 : (double) truePositives / positives;
    }

    /** Fraction of negatives removed (wrong-cluster removals counted too). */
    public double falsePositiveRate() {
        return negatives == 0 ? 0 : (double) falsePositives / negatives;
    }

    /**
     * @param dataset   a dataset prepared with {@code --dedup}
     * @param truth     the corpus's {@code truth.jsonl}
     * @param threshold the Jaccard threshold positives are counted at
     * @throws InvalidInputException naming the file when one is missing or not what it should be
     */
    public static DuplicateScore of(Path dataset, Path truth, double threshold) throws IOException {
        Map<String, JsonNode> docs = new HashMap<>();
        for (JsonNode t : lines(truth)) {
            docs.put(key(t.path("location").asText()), t);
        }
        Path duplicates = new DatasetLayout(dataset).duplicates();
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset");
        checkDescribes(prepared, dataset, truth, docs);
        Map<String, String> notTakenIn = notTakenIn(dataset);
        Map<String, Long> leftOut = new java.util.LinkedHashMap<>();
        REASONS.values().forEach(r -> leftOut.put(r, 0L));
        long positives = 0;
        long negatives = 0;
        long below = 0;
        for (Map.Entry<String, JsonNode> e : docs.entrySet()) {
            String reason = notTakenIn.get(e.getKey());
            if (reason != null) {
                // Excluded before deduplication: neither a copy it missed nor a document it kept.
                leftOut.merge(reason, 1L, Long::sum);
                continue;
            }
            String kind = e.getValue().path("kind").asText();
            if (kind.equals("variant") || kind.equals("exact")) {
                if (e.getValue().path("jaccard").asDouble() >= threshold) {
                    positives++;
                } else {
                    below++;
                }
            } else {
                negatives++;
            }
        }
        leftOut.values().removeIf(n -> n == 0);
        java.util.List<JsonNode> removedLines = new java.util.ArrayList<>();
        for (String line : prepared.duplicateLines()) {
            removedLines.add(JSON.readTree(line));
        }
        java.util.Set<String> standIns = standIns(docs, notTakenIn, removedLines);
        for (String k : standIns) {
            // Counted above as a positive (or below the threshold); deduplication rightly kept it.
            JsonNode t = docs.get(k);
            if (t.path("jaccard").asDouble() >= threshold) {
                positives--;
            } else {
                below--;
            }
            negatives++;
        }
        long tp = 0;
        long fp = 0;
        long belowRemoved = 0;
        long removed = 0;
        for (JsonNode d : removedLines) {
            removed++;
            JsonNode doc = docs.get(key(d.path("location").asText()));
            JsonNode of = docs.get(key(d.path("duplicate_of").asText()));
            if (doc == null || of == null) {
                throw new InvalidInputException(duplicates + ": " + d + " names a document " + truth
                        + " does not list; score the dataset prepared from that corpus");
            }
            String kind = doc.path("kind").asText();
            boolean copy = kind.equals("variant") || kind.equals("exact");
            boolean sameCluster = doc.path("cluster").asLong() == of.path("cluster").asLong();
            if (!copy || !sameCluster) {
                fp++;
            } else if (doc.path("jaccard").asDouble() >= threshold) {
                tp++;
            } else {
                belowRemoved++;
            }
        }
        return new DuplicateScore(positives, tp, negatives, fp, below, belowRemoved, removed, leftOut,
                standIns.size());
    }

    /**
     * For each cluster whose original the dataset did not take in, its first copy in input order (file name, then
     * line) that the dataset kept: deduplication never saw the original, so keeping that copy was right.
     */
    private static java.util.Set<String> standIns(Map<String, JsonNode> docs, Map<String, String> notTakenIn,
                                                  java.util.List<JsonNode> removedLines) {
        java.util.Set<Long> orphaned = new java.util.HashSet<>();
        docs.forEach((k, t) -> {
            if (t.path("kind").asText().equals("original") && notTakenIn.containsKey(k)) {
                orphaned.add(t.path("cluster").asLong());
            }
        });
        if (orphaned.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> removed = new java.util.HashSet<>();
        removedLines.forEach(d -> removed.add(key(d.path("location").asText())));
        Map<Long, String> first = new HashMap<>();
        docs.forEach((k, t) -> {
            String kind = t.path("kind").asText();
            long cluster = t.path("cluster").asLong();
            if ((kind.equals("variant") || kind.equals("exact")) && orphaned.contains(cluster)
                    && !notTakenIn.containsKey(k) && !removed.contains(k)) {
                first.merge(cluster, k, (a, b) -> INPUT_ORDER.compare(a, b) <= 0 ? a : b);
            }
        });
        return new java.util.HashSet<>(first.values());
    }

    /** Input order of location keys: file name, then line number (as a number: line 10 after line 9). */
    private static final java.util.Comparator<String> INPUT_ORDER = java.util.Comparator
            .<String, String>comparing(k -> k.lastIndexOf(':') < 0 ? k : k.substring(0, k.lastIndexOf(':')))
            .thenComparingLong(k -> {
                int colon = k.lastIndexOf(':');
                try {
                    return colon < 0 ? 0 : Long.parseLong(k.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return 0;
                }
            });

    /** The flag or cause behind each manifest exclusion rule, in the order they are reported. */
    private static final Map<String, String> REASONS = new java.util.LinkedHashMap<>();

    static {
        REASONS.put("source", "--exclude-source");
        REASONS.put("licence", "--allow-licence");
        REASONS.put("work", "--exclude-work");
        REASONS.put("malformed", "malformed");
    }

    /** The documents the manifest lists as excluded or malformed, by location key, with the reason. */
    private static Map<String, String> notTakenIn(Path dataset) throws IOException {
        JsonNode manifest = JSON.readTree(dev.wafer.formats.data.ManifestJson.text(dataset));
        Map<String, String> out = new HashMap<>();
        dev.wafer.formats.data.ManifestJson.forEachExclusion(dataset, x -> out.put(key(x.path("location").asText()),
                REASONS.getOrDefault(x.path("rule").asText(), "--exclude-" + x.path("rule").asText())));
        for (JsonNode m : manifest.path("malformed")) {
            out.put(key(m.path("location").asText()), "malformed");
        }
        return out;
    }

    /**
     * Refuses a truth file that does not describe the dataset's documents: another corpus's truth.jsonl lists the
     * same {@code corpus-00.jsonl:N} locations and was scored silently with wrong numbers. Every kept document must
     * be listed with the source the dataset recorded, and the truth file must list as many documents as the dataset
     * read (kept, removed as duplicates, excluded, malformed).
     */
    private static void checkDescribes(PreparedDataset prepared, Path dataset, Path truth, Map<String, JsonNode> docs)
            throws IOException {
        String[] mismatch = new String[1];
        // Collected, not thrown, until the file's checksum is checked: a damaged line is the checksum's to report.
        prepared.forEachDocument(d -> {
            if (mismatch[0] == null) {
                String location = d.path("location").asText();
                JsonNode t = docs.get(key(location));
                mismatch[0] = t == null ? "its document " + location + " is not listed in --truth " + truth
                        : disagreement(t, location, d.path("source").asText(null), truth);
            }
        });
        if (mismatch[0] != null) {
            throw new InvalidInputException("--dataset " + dataset + " was not prepared from the corpus --truth "
                    + truth + " describes: " + mismatch[0] + "; score the truth.jsonl of the corpus it was prepared"
                    + " from");
        }
        var summary = prepared.manifest().summary();
        long read = summary.documents() + summary.duplicates() + summary.excluded() + summary.malformed();
        if (read != docs.size()) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "--dataset %s was not prepared"
                    + " from the corpus --truth %s describes: the dataset read %,d documents (%,d kept, %,d removed"
                    + " as duplicates, %,d excluded, %,d malformed) but the truth file lists %,d; score the"
                    + " truth.jsonl of the corpus it was prepared from, prepared from all of its corpus files",
                    dataset, truth, read, summary.documents(), summary.duplicates(), summary.excluded(),
                    summary.malformed(), docs.size()));
        }
    }

    /** Null when the truth record {@code t} agrees with the dataset's {@code source} (when both name one). */
    private static String disagreement(JsonNode t, String location, String source, Path truth) {
        String listed = t.path("source").asText(null);
        return source == null || listed == null || listed.equals(source) ? null
                : "its document " + location + " is from " + source + " but --truth " + truth + " lists " + listed;
    }

    /** {@code file:line} with the file's directories dropped: inputs may be named by any path. */
    static String key(String location) {
        int colon = location.lastIndexOf(':');
        String file = colon < 0 ? location : location.substring(0, colon);
        int slash = file.lastIndexOf('/');
        return file.substring(slash + 1) + (colon < 0 ? "" : location.substring(colon));
    }

    /** The kinds of document a truth file lists. */
    private static final java.util.Set<String> KINDS = java.util.Set.of("original", "unrelated", "variant", "exact");

    /**
     * A truth record with the fields scoring reads, of the types it reads them as: a missing field once read as ""
     * or 0 and scored a corpus with nothing planted as recall 1.
     */
    private static JsonNode checked(JsonNode t, String where) {
        if (t == null || !t.isObject()) {
            throw new InvalidInputException(where + ": not a JSON object");
        }
        if (!t.path("location").isTextual()) {
            throw new InvalidInputException(where + ": field 'location' must be a string (file:line)");
        }
        String kind = t.path("kind").isTextual() ? t.path("kind").asText() : null;
        if (kind == null || !KINDS.contains(kind)) {
            throw new InvalidInputException(where + ": field 'kind' must be one of original, unrelated, variant,"
                    + " exact; found " + found(t.path("kind")));
        }
        if (!t.path("cluster").canConvertToLong() || !t.path("cluster").isIntegralNumber()) {
            throw new InvalidInputException(where + ": field 'cluster' must be an integer; found " + found(t.path("cluster")));
        }
        if ((kind.equals("variant") || kind.equals("exact")) && !(t.path("jaccard").isNumber()
                && t.path("jaccard").asDouble() >= 0 && t.path("jaccard").asDouble() <= 1)) {
            throw new InvalidInputException(where + ": field 'jaccard' of a planted copy must be a number in [0, 1];"
                    + " found " + found(t.path("jaccard")));
        }
        return t;
    }

    private static String found(JsonNode v) {
        return v.isMissingNode() ? "nothing (missing)" : v.toString();
    }

    private static Iterable<JsonNode> lines(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException("--truth " + file + ": is a directory; give the corpus's truth.jsonl");
        }
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        try (dev.wafer.formats.input.StrictLineReader in = new dev.wafer.formats.input.StrictLineReader(
                Files.newInputStream(file), file.toString())) {
            String line;
            while ((line = in.readLine()) != null) {
                int n = in.lineNumber();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode t;
                try {
                    t = JSON.readTree(line);
                } catch (IOException e) {
                    throw new InvalidInputException(file + ":" + n + ": not a JSON object");
                }
                out.add(checked(t, file + ":" + n));
                // A repeated document would be counted twice, moving the rates without any warning.
                Integer first = lineOf.putIfAbsent(key(t.path("location").asText()), n);
                if (first != null) {
                    throw new InvalidInputException(file + ":" + n + ": document " + t.path("location").asText()
                            + " is listed again (first on line " + first + "); each document is listed once");
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        }
        return out;
    }
}
