package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.prepare.PackedDocument;

/**
 * The manifest files of a prepared dataset. {@code manifest.json}: format and version, settings, inputs,
 * per-split statistics and shards (each with its size and payload CRC-32), the size and CRC-32C of {@code
 * documents.jsonl} and the audit index ({@code files}), the per-source summary table, the exclusions (where there are
 * any, their count, count per rule, and the size and CRC-32C of {@code exclusions.jsonl}, which lists them; an empty
 * array where there are none, and every exclusion inline in manifests written before 2026-12-08) and the malformed
 * records. {@code documents.jsonl}: one object per kept document ({@code hash}, {@code source}, {@code licence},
 * {@code tokens}, {@code split}, {@code shard}, {@code offset}, {@code location}, and {@code audit_id} for
 * training documents), in packed order. {@code manifest.json.sha256}: the manifest's SHA-256.
 */
public final class ManifestJson {
    /** Value of the manifest's {@code format} field. */
    public static final String FORMAT = "wafer-dataset";
    /** Value of the manifest's {@code version} field. */
    public static final int VERSION = 2;
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

    /**
     * Writes {@code manifest.json}, what was asked ({@code s}, {@code inputs}) and what came of it ({@code r}) with
     * every file's size and checksum ({@code checks}), then {@code manifest.json.sha256}.
     */
    static void write(OutputChannels channels, DatasetLayout layout, PrepareSettings s, List<DocumentSource> inputs,
            PreparationReport r, Map<String, FileCheck> checks) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("version", VERSION);
        ObjectNode set = root.putObject("settings");
        set.put("tokenizer", s.tokenizer().name()).put("vocab_size", s.tokenizer().vocabSize())
                .put("end_of_text", s.tokenizer().endOfTextId()).put("seq_len", s.seqLen()).put("seed", s.seed())
                .put("split", s.splitSpec()).put("default_source", s.defaultSource())
                .put("default_licence", s.defaultLicence())
                .put("on_malformed", s.failOnMalformed() ? "fail" : "skip").put("shuffle_buckets", r.shuffleBuckets());
        if (s.tokenizer() instanceof HfTokenizer hf) {
            // Only for a tokenizer.json (the built-in ones are fixed), so other manifests stay byte for byte as before.
            set.put("tokenizer_sha256", hf.sha256());
        }
        strings(set.putArray("exclude_sources"), s.excludedSources());
        strings(set.putArray("allow_licences"), s.allowedLicences());
        strings(set.putArray("exclude_works"), s.excludedWorks());
        boolean dedup = s.dedup().enabled();
        if (dedup) {
            // Only when on, so datasets prepared without deduplication stay byte for byte as before.
            set.putObject("dedup").put("mode", s.dedup().mode().flagValue()).put("threshold", s.dedup().threshold())
                    .put("shingle_words", DedupSettings.SHINGLE_WORDS).put("permutations", DedupSettings.PERMUTATIONS)
                    .put("bands", DedupSettings.BANDS).put("rows", DedupSettings.ROWS);
        }
        ArrayNode in = root.putArray("inputs");
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode input = in.addObject().put("name", inputs.get(i).name()).put("bytes", inputs.get(i).sizeBytes());
            String sha256 = i < r.inputSha256().size() ? r.inputSha256().get(i) : null;
            if (sha256 != null) {
                // The stored bytes as read: ties the dataset to the exact corpus files (compressed ones as stored).
                input.put("sha256", sha256);
            }
        }
        ObjectNode splits = root.putObject("splits");
        for (Map.Entry<Split, PreparationReport.SplitStats> e : r.splits().entrySet()) {
            PreparationReport.SplitStats st = e.getValue();
            ObjectNode o = splits.putObject(e.getKey().fileName());
            o.put("documents", st.documents()).put("tokens", st.tokens()).put("sequences", st.sequences())
                    .put("dropped_tail_tokens", st.droppedTail());
            ArrayNode shards = o.putArray("shards");
            for (int i = 0; i < st.shardCounts().size(); i++) {
                String name = layout.shard(e.getKey(), i).getFileName().toString();
                FileCheck check = required(checks, name);
                shards.addObject().put("file", name).put("sequences", st.shardCounts().get(i))
                        .put("bytes", check.bytes()).put("crc32", check.crcHex());
            }
        }
        ObjectNode files = root.putObject("files");
        List<String> listed = dedup
                ? List.of(DatasetLayout.DOCUMENTS, DatasetLayout.AUDIT_INDEX, DatasetLayout.DUPLICATES)
                : List.of(DatasetLayout.DOCUMENTS, DatasetLayout.AUDIT_INDEX);
        for (String name : listed) {
            FileCheck check = required(checks, name);
            files.putObject(name).put("bytes", check.bytes()).put("crc32c", check.crcHex());
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("documents", r.summary().documents()).put("tokens", r.summary().tokens())
                .put("excluded", r.summary().excluded()).put("malformed", r.malformedCount());
        if (dedup) {
            summary.put("duplicates", r.summary().duplicates());
        }
        ArrayNode rows = summary.putArray("sources");
        for (SourceSummary.Row row : r.summary().rows()) {
            rows.addObject().put("source", row.source()).put("documents", row.documents()).put("tokens", row.tokens())
                    .put("share", row.share()).put("excluded", row.excluded());
            if (dedup) {
                ((ObjectNode) rows.get(rows.size() - 1)).put("duplicates", row.duplicates());
            }
        }
        if (r.exclusions().count() == 0) {
            // As before: datasets without exclusions keep their manifest byte for byte (and their fingerprint).
            root.putArray("exclusions");
        } else {
            // The documents are in exclusions.jsonl: inline, they grew the manifest that every command reads whole.
            FileCheck check = required(checks, DatasetLayout.EXCLUSIONS);
            ObjectNode ex = root.putObject("exclusions").put("count", r.exclusions().count())
                    .put("file", DatasetLayout.EXCLUSIONS).put("bytes", check.bytes()).put("crc32c", check.crcHex());
            ObjectNode rules = ex.putObject("rules");
            r.exclusions().byRule().forEach((rule, n) -> rules.put(rule.name().toLowerCase(java.util.Locale.ROOT), n));
        }
        ArrayNode bad = root.putArray("malformed");
        for (MalformedRecord m : r.malformed()) {
            bad.addObject().put("location", m.location()).put("reason", m.reason());
        }
        root.put("prepare_seconds", r.seconds()).put("text_bytes", r.textBytes());
        byte[] manifest = JSON.writeValueAsBytes(root);
        try (var out = new ChecksummedOutput(channels, layout.manifest(), 1 << 16, check -> { })) {
            out.write(manifest);
        }
        try (var out = new ChecksummedOutput(channels, layout.manifestSha256(), 128, check -> { })) {
            out.write(ManifestCheck.line(manifest).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private static FileCheck required(Map<String, FileCheck> checks, String name) {
        FileCheck check = checks.get(name);
        if (check == null) {
            throw new IllegalStateException("no checksum recorded for " + name);
        }
        return check;
    }

    /**
     * Reads and verifies a manifest (as {@link #read(Path, String)} with {@code --dataset}).
     *
     * @throws InvalidInputException naming the file and field when it is missing, damaged or not a Wafer manifest
     */
    public static DatasetManifest read(Path dir) throws IOException {
        return read(dir, "--dataset");
    }

    /**
     * Reads a manifest after checking it against {@code manifest.json.sha256}, and checks the fields the commands
     * rely on ({@link ManifestCheck}).
     *
     * @param flag the option that named {@code dir}, for messages
     * @throws InvalidInputException naming the file and field when it is missing, damaged or not a Wafer manifest
     */
    public static DatasetManifest read(Path dir, String flag) throws IOException {
        return DatasetManifestJson.parse(load(dir, flag), new DatasetLayout(dir));
    }

    /**
     * Hands every excluded document of the dataset in {@code dir} to {@code each}, in input order, as the object the
     * manifest's {@code exclusions} array held before 2026-12-08: from that array in manifests written before, else
     * one line at a time from {@code exclusions.jsonl} (checked against its size and CRC-32C first), so memory does
     * not grow with their number.
     */
    public static void forEachExclusion(Path dir, java.util.function.Consumer<JsonNode> each) throws IOException {
        JsonNode root = load(dir, "--dataset");
        DatasetLayout layout = new DatasetLayout(dir);
        JsonNode listed = root.path("exclusions");
        if (!listed.isObject()) {
            listed.forEach(each);
            return;
        }
        DatasetManifestJson.parse(root, layout);
        try (var lines = Files.newBufferedReader(layout.exclusions(), java.nio.charset.StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                each.accept(LINE.readTree(line));
            }
        }
    }

    /**
     * The whole verified manifest of the dataset in {@code dir} as indented JSON: exclusions inline in manifests
     * written before 2026-12-08, their summary in later ones ({@link #forEachExclusion} lists them).
     */
    public static String text(Path dir) throws IOException {
        return JSON.writeValueAsString(load(dir, "--dataset"));
    }

    /** The settings, splits and summary of a manifest as indented JSON ({@code data stats --json}). */
    public static String statsText(DatasetManifest manifest) throws JsonProcessingException {
        return JSON.writeValueAsString(DatasetManifestJson.stats(manifest));
    }

    /**
     * The line for a missing {@code dir} whose previous dataset a {@code data prepare} killed between the two renames
     * of its swap left complete as {@code .DIR.old-PID}: where it is and the commands that put it back.
     *
     * @param flag the option that named {@code dir}, for the message
     * @return the line, or empty when {@code dir} exists or no such copy is beside it
     * @throws IOException when the parent directory cannot be listed
     */
    public static Optional<String> killedSwap(Path dir, String flag) throws IOException {
        Path old = swappedOut(dir);
        if (old == null) {
            return Optional.empty();
        }
        return Optional.of(flag + " " + dir + ": no " + DatasetLayout.MANIFEST + "; the previous dataset is in " + old
                + " (a 'data prepare' was stopped while swapping it out): run the same 'wafer data prepare --out "
                + dir + "' again, which puts it back first, or move it back with: mv " + old + " " + dir);
    }

    /** The {@code .DIR.old-PID} a killed swap left beside a missing {@code dir}, or null. */
    private static Path swappedOut(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getParent() == null || abs.getFileName() == null || Files.exists(abs)
                || !Files.isDirectory(abs.getParent())) {
            return null;
        }
        String prefix = "." + abs.getFileName() + ".old-";
        try (var list = Files.list(abs.getParent())) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().substring(prefix.length()).matches("\\d+")
                    && Files.isRegularFile(p.resolve(DatasetLayout.MANIFEST))).sorted().findFirst().orElse(null);
        }
    }

    private static JsonNode load(Path dir, String flag) throws IOException {
        DatasetLayout layout = new DatasetLayout(dir);
        Path file = layout.manifest();
        if (Files.isRegularFile(dir)) {
            // A JSONL or token file given where the prepared dataset's directory belongs.
            throw new InvalidInputException(flag + " " + dir + ": is a file; expected the directory of a dataset"
                    + " made by 'wafer data prepare'");
        }
        if (Files.isDirectory(file)) {
            // The line train and eval give (every dataset reader comes here), not "I/O error: Is a directory".
            throw new InvalidInputException(flag + " " + dir + " is a directory without " + DatasetLayout.MANIFEST
                    + " (" + file + " is a directory); expected a dataset from 'wafer data prepare'");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            Optional<String> swapped = killedSwap(dir, flag);
            if (swapped.isPresent()) {
                throw new InvalidInputException(swapped.get());
            }
            throw new InvalidInputException(flag + " " + dir + ": no " + DatasetLayout.MANIFEST
                    + "; run 'wafer data prepare --out " + dir + "' first");
        }
        ManifestCheck.verifyDigest(layout, bytes);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON (" + String.valueOf(e.getOriginalMessage())
                    .replaceAll("\\s+", " ") + ")");
        } catch (java.io.CharConversionException e) {
            // Jackson guesses the encoding from the first bytes: an edit that makes them look like UTF-32 fails
            // decoding, not parsing, and went out as an I/O error.
            throw new InvalidInputException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(file + ": not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException(file + ": field format is '" + root.path("format").asText()
                    + "', expected '" + FORMAT + "'");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new InvalidInputException(file + ": field version is " + root.path("version") + ", expected " + VERSION
                    + "; prepare the dataset again with this version of wafer");
        }
        ManifestCheck.verifyFields(file, root);
        return root;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
