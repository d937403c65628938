package dev.wafer.app.data;

import dev.wafer.app.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.prepare.PackedDocument;

/**
 * The manifest files of a prepared dataset. {@code manifest.json}: format and version, settings, inputs,
 * per-split statistics and shards, the per-source summary table, every exclusion with its rule and the malformed
 * records. {@code documents.jsonl}: one object per kept document ({@code hash}, {@code source}, {@code licence},
 * {@code tokens}, {@code split}, {@code shard}, {@code offset}, {@code location}, and {@code audit_id} for
 * training documents), in packed order.
 */
public final class ManifestJson {
    /** Value of the manifest's {@code format} field. */
    public static final String FORMAT = "wafer-dataset";
    /** Value of the manifest's {@code version} field. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    private ManifestJson() {
    }

    /** One line of {@code documents.jsonl}, without the line break. */
    static String documentLine(PackedDocument d) {
        ObjectNode n = LINE.createObjectNode();
        n.put("hash", d.hash()).put("source", d.source()).put("licence", d.licence()).put("tokens", d.tokens())
                .put("split", d.split()).put("shard", d.shard()).put("offset", d.offset()).put("location", d.location());
        if (d.auditId() >= 0) {
            n.put("audit_id", d.auditId());
        }
        try {
            return LINE.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a manifest line", e);
        }
    }

    /** Writes {@code manifest.json}: what was asked ({@code s}, {@code inputs}) and what came of it ({@code r}). */
    static void write(Path file, PrepareSettings s, List<DocumentSource> inputs, PreparationReport r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("version", VERSION);
        ObjectNode set = root.putObject("settings");
        set.put("tokenizer", s.tokenizer().name()).put("vocab_size", s.tokenizer().vocabSize())
                .put("end_of_text", s.tokenizer().endOfTextId()).put("seq_len", s.seqLen()).put("seed", s.seed())
                .put("split", s.splitSpec()).put("default_source", s.defaultSource())
                .put("default_licence", s.defaultLicence())
                .put("on_malformed", s.failOnMalformed() ? "fail" : "skip").put("shuffle_buckets", r.shuffleBuckets());
        strings(set.putArray("exclude_sources"), s.excludedSources());
        strings(set.putArray("allow_licences"), s.allowedLicences());
        strings(set.putArray("exclude_works"), s.excludedWorks());
        ArrayNode in = root.putArray("inputs");
        inputs.forEach(i -> in.addObject().put("name", i.name()).put("bytes", i.sizeBytes()));
        ObjectNode splits = root.putObject("splits");
        for (Map.Entry<Split, PreparationReport.SplitStats> e : r.splits().entrySet()) {
            PreparationReport.SplitStats st = e.getValue();
            ObjectNode o = splits.putObject(e.getKey().fileName());
            o.put("documents", st.documents()).put("tokens", st.tokens()).put("sequences", st.sequences())
                    .put("dropped_tail_tokens", st.droppedTail());
            ArrayNode shards = o.putArray("shards");
            for (int i = 0; i < st.shardCounts().size(); i++) {
                shards.addObject().put("file", new DatasetLayout(s.out()).shard(e.getKey(), i).getFileName().toString())
                        .put("sequences", st.shardCounts().get(i));
            }
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("documents", r.summary().documents()).put("tokens", r.summary().tokens())
                .put("excluded", r.summary().excluded()).put("malformed", r.malformedCount());
        ArrayNode rows = summary.putArray("sources");
        for (SourceSummary.Row row : r.summary().rows()) {
            rows.addObject().put("source", row.source()).put("documents", row.documents()).put("tokens", row.tokens())
                    .put("share", row.share()).put("excluded", row.excluded());
        }
        ArrayNode ex = root.putArray("exclusions");
        for (Exclusion e : r.exclusions()) {
            Provenance p = e.provenance();
            ex.addObject().put("hash", p.hash().hex()).put("source", p.source()).put("licence", p.licence())
                    .put("location", p.location()).put("rule", e.rule().name().toLowerCase(java.util.Locale.ROOT))
                    .put("detail", e.detail());
        }
        ArrayNode bad = root.putArray("malformed");
        for (MalformedRecord m : r.malformed()) {
            bad.addObject().put("location", m.location()).put("reason", m.reason());
        }
        root.put("prepare_seconds", r.seconds()).put("text_bytes", r.textBytes());
        JSON.writeValue(file.toFile(), root);
    }

    /**
     * Reads a manifest.
     *
     * @throws InvalidInputException naming the file and field when it is missing or not a Wafer manifest
     */
    public static JsonNode read(Path dir) throws IOException {
        Path file = new DatasetLayout(dir).manifest();
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new InvalidInputException("--dataset " + dir + ": no " + DatasetLayout.MANIFEST
                    + "; run 'wafer data prepare --out " + dir + "' first");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException(file + ": field format is '" + root.path("format").asText()
                    + "', expected '" + FORMAT + "'");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new InvalidInputException(file + ": field version is " + root.path("version") + ", expected " + VERSION);
        }
        return root;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** Reads the documents.jsonl entries whose {@code audit_id} is in {@code ids}; stops once all are found. */
    static Map<Integer, JsonNode> documentsByAuditId(Path dir, java.util.Set<Integer> ids) throws IOException {
        Map<Integer, JsonNode> found = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (var lines = Files.lines(new DatasetLayout(dir).documents())) {
            var it = lines.iterator();
            while (it.hasNext() && found.size() < ids.size()) {
                String line = it.next();
                int at = line.indexOf("\"audit_id\":");
                if (at < 0) {
                    continue;
                }
                JsonNode n = LINE.readTree(line);
                int id = n.path("audit_id").asInt();
                if (ids.contains(id)) {
                    found.put(id, n);
                }
            }
        }
        return found;
    }
}
