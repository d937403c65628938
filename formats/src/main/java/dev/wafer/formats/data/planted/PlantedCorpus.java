package dev.wafer.formats.data.planted;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.WordShingles;
import dev.wafer.domain.data.dedup.Jaccard;

/**
 * Writes a Pile-style JSONL corpus with planted near duplicates, and {@code truth.jsonl}, one line per document:
 * its {@code location} ({@code file:line} as {@code data prepare} writes it), {@code cluster}, {@code kind}
 * ({@code original} of planted copies, {@code unrelated}, {@code variant} an edited copy, {@code exact} an unedited
 * copy), and for copies the original's location, the {@code edits} applied and the exact {@code jaccard} of the
 * 5-word shingle sets. Copies follow their original within 300 documents; every document of a topic
 * shares its vocabulary and the boilerplate (headers, footers) is shared by all, so unrelated documents measure
 * false positives. The same seed writes the same bytes. The corpus ends at the size limit: copies not yet written are
 * dropped, and an original none of whose copies was written is listed (and counted) as {@code unrelated}.
 */
public final class PlantedCorpus {
    /** The folder of {@code write}'s directory that holds the corpus files (the truth file sits beside it). */
    public static final String CORPUS_DIR = "corpus";
    /** Sources, one per topic modulo their number. */
    static final String[] SOURCES = {"Pile-CC", "Wikipedia (en)", "StackExchange", "FreeLaw", "PubMed Abstracts"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long targetBytes;
    private final long seed;
    private final int files;
    private final int minSentences;
    private final int maxSentences;

    /**
     * What was written.
     *
     * @param documents documents in the corpus files
     * @param originals originals of which at least one copy was written
     * @param copies    copies written
     */
    public record Summary(long documents, long originals, long copies, long bytes, List<Path> corpus, Path truth) {
    }

    /**
     * @param targetBytes  stop once the corpus files hold this many bytes
     * @param files        corpus files, consecutive parts of the stream (for multi-rank preparation)
     * @param minSentences sentences per generated document, at least 5
     */
    public PlantedCorpus(long targetBytes, long seed, int files, int minSentences, int maxSentences) {
        if (targetBytes < 1 || files < 1 || minSentences < 5 || maxSentences < minSentences) {
            throw new IllegalArgumentException("bytes " + targetBytes + ", files " + files + ", sentences "
                    + minSentences + "-" + maxSentences);
        }
        this.targetBytes = targetBytes;
        this.seed = seed;
        this.files = files;
        this.minSentences = minSentences;
        this.maxSentences = maxSentences;
    }

    /**
     * Writes {@code corpus/corpus-NN.jsonl} and {@code truth.jsonl} into {@code dir} (created). The corpus has a
     * folder of its own so that {@code data prepare --input DIR/corpus} reads no truth records as documents.
     */
    public Summary write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(CORPUS_DIR));
        SplittableRandom r = new SplittableRandom(seed);
        WordModel model = new WordModel(r.nextLong(), 4000, 24, 300);
        WordShingles shingles = new WordShingles(5);
        List<Path> corpus = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            corpus.add(dir.resolve(CORPUS_DIR).resolve(String.format(Locale.ROOT, "corpus-%02d.jsonl", f)));
        }
        Path truth = dir.resolve("truth.jsonl");
        TreeMap<Long, List<ObjectNode>> pending = new TreeMap<>();
        // Per original with copies still pending: {pending, written}; only the last few hundred documents' are open.
        java.util.Map<String, long[]> open = new java.util.HashMap<>();
        long index = 0;
        long bytes = 0;
        long originals = 0;
        long copies = 0;
        int cluster = 0;
        int file = 0;
        long line = 0;
        BufferedWriter out = Files.newBufferedWriter(corpus.get(0), StandardCharsets.UTF_8);
        try (BufferedWriter truthOut = Files.newBufferedWriter(truth, StandardCharsets.UTF_8)) {
            while (bytes < targetBytes) {
                int nextFile = (int) Math.min(files - 1, bytes * files / targetBytes);
                if (nextFile != file) {
                    out.close();
                    file = nextFile;
                    line = 0;
                    out = Files.newBufferedWriter(corpus.get(file), StandardCharsets.UTF_8);
                }
                line++;
                String location = corpus.get(file).getFileName() + ":" + line;
                ObjectNode doc;
                var due = pending.firstEntry();
                if (due != null && due.getKey() <= index) {
                    doc = due.getValue().removeFirst();
                    if (due.getValue().isEmpty()) {
                        pending.pollFirstEntry();
                    }
                    copies++;
                    long[] counts = open.get(doc.get("duplicate_of").asText());
                    counts[0]--;
                    counts[1]++;
                    if (counts[0] == 0) {
                        open.remove(doc.get("duplicate_of").asText());
                    }
                } else {
                    int topic = r.nextInt(model.topics());
                    PlantedDocument original = PlantedDocument.generate(model, r, topic, minSentences, maxSentences);
                    String text = original.text();
                    int planted = plantedCopies(r);
                    doc = JSON.createObjectNode().put("text", text).put("source", SOURCES[topic % SOURCES.length])
                            .put("cluster", cluster).put("kind", planted > 0 ? "original" : "unrelated");
                    long[] originalShingles = shingles.distinct(text);
                    for (int c = 0; c < planted; c++) {
                        PlantedDocument copy = original.copy();
                        boolean exact = r.nextInt(10) == 0;
                        List<String> edits = exact ? List.of() : copy.edit(model, r, 1 + r.nextInt(4));
                        String copyText = copy.text();
                        ObjectNode v = JSON.createObjectNode().put("text", copyText)
                                .put("source", SOURCES[topic % SOURCES.length]).put("cluster", cluster)
                                .put("kind", exact ? "exact" : "variant").put("duplicate_of", location)
                                .put("jaccard", Jaccard.ofSorted(originalShingles, shingles.distinct(copyText)));
                        edits.forEach(v.putArray("edits")::add);
                        pending.computeIfAbsent(index + 1 + r.nextInt(300), k -> new ArrayList<>()).add(v);
                    }
                    if (planted > 0) {
                        originals++;
                        open.put(location, new long[] {planted, 0});
                    }
                    cluster++;
                }
                ObjectNode record = JSON.createObjectNode().put("text", doc.get("text").asText());
                record.putObject("meta").put("pile_set_name", doc.get("source").asText());
                byte[] json = JSON.writeValueAsBytes(record);
                out.write(new String(json, StandardCharsets.UTF_8));
                out.write('\n');
                bytes += json.length + 1;
                doc.remove("text");
                ObjectNode t = JSON.createObjectNode().put("location", location);
                t.setAll(doc);
                truthOut.write(JSON.writeValueAsString(t));
                truthOut.write('\n');
                index++;
            }
        } finally {
            out.close();
        }
        // Copies still pending at the size limit are not written: an original none of whose copies was is listed
        // as what the corpus holds, an unrelated document, and not counted among the originals.
        java.util.Set<String> alone = new java.util.HashSet<>();
        open.forEach((location, counts) -> {
            if (counts[1] == 0) {
                alone.add(location);
            }
        });
        if (!alone.isEmpty()) {
            relabel(truth, alone);
        }
        return new Summary(index, originals - alone.size(), copies, bytes, corpus.subList(0, file + 1), truth);
    }

    /** Rewrites {@code truth} with the originals at {@code locations} listed as {@code unrelated}. */
    private static void relabel(Path truth, java.util.Set<String> locations) throws IOException {
        Path rewritten = truth.resolveSibling(truth.getFileName() + ".tmp");
        try (var in = Files.newBufferedReader(truth, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(rewritten, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                ObjectNode t = (ObjectNode) JSON.readTree(line);
                if (locations.contains(t.get("location").asText())) {
                    t.put("kind", "unrelated");
                    line = JSON.writeValueAsString(t);
                }
                w.write(line);
                w.write('\n');
            }
        }
        Files.move(rewritten, truth, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** 0 to 3 copies: most documents have none. */
    private static int plantedCopies(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 70 ? 0 : x < 85 ? 1 : x < 95 ? 2 : 3;
    }
}
