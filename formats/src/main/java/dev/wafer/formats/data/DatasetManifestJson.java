package dev.wafer.formats.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.data.Split;

/**
 * Converts a manifest's JSON tree, already checked by {@link ManifestCheck}, to a {@link DatasetManifest}, and the
 * record's settings, splits and summary back to JSON for {@code data stats --json}, field for field in the order
 * {@link ManifestJson} writes them.
 */
final class DatasetManifestJson {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    /** How long preparation took: differs between two preparations of the same data. */
    private static final String VOLATILE_FIELD = "prepare_seconds";
    /**
     * Each input's SHA-256, recorded since 2026-12-07: where the tokens came from, not what they are (the shards'
     * checksums say that); left out of the fingerprint of builds before it. A field added to the manifest later that
     * does not change the tokens must be left out of {@link DatasetIdentity} and of these earlier digests, or every
     * checkpoint recorded before it stops resuming ({@code SampleFingerprintGoldenTest} fails when the sample's
     * fingerprints change).
     */
    private static final String INPUT_PROVENANCE_FIELD = "sha256";

    private DatasetManifestJson() {
    }

    /** @param layout where the dataset's {@code exclusions.jsonl} is, which its fingerprint covers */
    static DatasetManifest parse(JsonNode root, DatasetLayout layout) throws java.io.IOException {
        JsonNode s = root.path("settings");
        DatasetManifest.Settings settings = new DatasetManifest.Settings(s.path("tokenizer").asText("unknown"),
                s.path("vocab_size").asInt(), s.path("end_of_text").asInt(), s.path("seq_len").asInt(),
                s.path("seed").asLong(), s.path("split").asText(), s.path("default_source").asText(),
                s.path("default_licence").asText(), s.path("on_malformed").asText(), s.path("shuffle_buckets").asInt(),
                strings(s.path("exclude_sources")), strings(s.path("allow_licences")), strings(s.path("exclude_works")),
                dedup(s.path("dedup")), s.path("tokenizer_sha256").asText(""));
        Map<Split, DatasetManifest.SplitEntry> splits = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("splits").properties()) {
            JsonNode n = e.getValue();
            List<DatasetManifest.Shard> shards = new ArrayList<>();
            for (JsonNode sh : n.path("shards")) {
                shards.add(new DatasetManifest.Shard(sh.path("file").asText(), sh.path("sequences").asLong(),
                        sh.path("bytes").asLong(), sh.path("crc32").asText()));
            }
            splits.put(Split.ofFileName(e.getKey()), new DatasetManifest.SplitEntry(n.path("documents").asLong(),
                    n.path("tokens").asLong(), n.path("sequences").asLong(), n.path("dropped_tail_tokens").asLong(),
                    shards));
        }
        Map<String, DatasetManifest.FileEntry> files = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.path("files").properties()) {
            files.put(f.getKey(), new DatasetManifest.FileEntry(f.getValue().path("bytes").asLong(),
                    f.getValue().path("crc32c").asText()));
        }
        JsonNode sum = root.path("summary");
        List<DatasetManifest.SourceRow> rows = new ArrayList<>();
        for (JsonNode r : sum.path("sources")) {
            rows.add(new DatasetManifest.SourceRow(r.path("source").asText(), r.path("documents").asLong(),
                    r.path("tokens").asLong(), r.path("share").asDouble(), r.path("excluded").asLong(),
                    r.path("duplicates").asLong()));
        }
        DatasetManifest.Summary summary = new DatasetManifest.Summary(sum.path("documents").asLong(),
                sum.path("tokens").asLong(), sum.path("excluded").asLong(), sum.path("malformed").asLong(),
                sum.path("duplicates").asLong(), rows);
        List<DatasetManifest.Input> inputs = new ArrayList<>();
        for (JsonNode i : root.path("inputs")) {
            inputs.add(new DatasetManifest.Input(i.path("name").asText(), i.path("bytes").asLong(-1),
                    i.path("sha256").asText("")));
        }
        return new DatasetManifest(settings, splits, files, summary, DatasetIdentity.of(root), inputs,
                earlierFingerprints(root, layout));
    }

    private static DatasetManifest.Dedup dedup(JsonNode d) {
        if (d.isMissingNode()) {
            return DatasetManifest.Dedup.NONE;
        }
        return new DatasetManifest.Dedup(d.path("mode").asText(), d.path("threshold").asDouble(),
                d.path("shingle_words").asInt(), d.path("permutations").asInt(), d.path("bands").asInt(),
                d.path("rows").asInt());
    }

    /** The manifest as builds before 2026-12-07 wrote it, which had no provenance fields. */
    private static JsonNode withoutProvenance(JsonNode root) {
        ObjectNode copy = (ObjectNode) root.deepCopy();
        for (JsonNode input : copy.path("inputs")) {
            if (input instanceof ObjectNode o) {
                o.remove(INPUT_PROVENANCE_FIELD);
            }
        }
        return copy;
    }

    /**
     * The fingerprints earlier builds recorded, which depend on the inputs' paths ({@link DatasetIdentity} does not):
     * the manifest without its wall-clock field, compact, hashed, without (builds before 2026-12-07) and with
     * (builds of 2026-12-07) the inputs' SHA-256. Checkpoints hold them, so they must not change
     * ({@link ManifestFingerprint}: the exclusions count as if inline; {@code SampleFingerprintGoldenTest}).
     */
    private static List<String> earlierFingerprints(JsonNode root, DatasetLayout layout) throws java.io.IOException {
        List<ObjectNode> variants = new ArrayList<>();
        for (JsonNode v : List.of(withoutProvenance(root), root)) {
            ObjectNode copy = (ObjectNode) v.deepCopy();
            copy.remove(VOLATILE_FIELD);
            variants.add(copy);
        }
        return ManifestFingerprint.of(variants, layout);
    }

    /** {@code settings}, {@code splits} and {@code summary} as {@code data stats --json} prints them. */
    static ObjectNode stats(DatasetManifest m) {
        ObjectNode n = PLAIN.createObjectNode();
        DatasetManifest.Settings s = m.settings();
        ObjectNode set = n.putObject("settings");
        set.put("tokenizer", s.tokenizer()).put("vocab_size", s.vocabSize()).put("end_of_text", s.endOfText())
                .put("seq_len", s.seqLen()).put("seed", s.seed()).put("split", s.split())
                .put("default_source", s.defaultSource()).put("default_licence", s.defaultLicence())
                .put("on_malformed", s.onMalformed()).put("shuffle_buckets", s.shuffleBuckets());
        if (!s.tokenizerSha256().isEmpty()) {
            set.put("tokenizer_sha256", s.tokenizerSha256());
        }
        s.excludeSources().forEach(set.putArray("exclude_sources")::add);
        s.allowLicences().forEach(set.putArray("allow_licences")::add);
        s.excludeWorks().forEach(set.putArray("exclude_works")::add);
        if (m.deduplicated()) {
            DatasetManifest.Dedup d = s.dedup();
            set.putObject("dedup").put("mode", d.mode()).put("threshold", d.threshold())
                    .put("shingle_words", d.shingleWords()).put("permutations", d.permutations())
                    .put("bands", d.bands()).put("rows", d.rows());
        }
        ObjectNode splits = n.putObject("splits");
        m.splits().forEach((split, e) -> {
            ObjectNode o = splits.putObject(split.fileName());
            o.put("documents", e.documents()).put("tokens", e.tokens()).put("sequences", e.sequences())
                    .put("dropped_tail_tokens", e.droppedTailTokens());
            ArrayNode shards = o.putArray("shards");
            e.shards().forEach(sh -> shards.addObject().put("file", sh.file()).put("sequences", sh.sequences())
                    .put("bytes", sh.bytes()).put("crc32", sh.crc32()));
        });
        DatasetManifest.Summary sum = m.summary();
        ObjectNode summary = n.putObject("summary");
        summary.put("documents", sum.documents()).put("tokens", sum.tokens()).put("excluded", sum.excluded())
                .put("malformed", sum.malformed());
        if (m.deduplicated()) {
            summary.put("duplicates", sum.duplicates());
        }
        ArrayNode rows = summary.putArray("sources");
        sum.sources().forEach(r -> {
            ObjectNode row = rows.addObject().put("source", r.source()).put("documents", r.documents())
                    .put("tokens", r.tokens()).put("share", r.share()).put("excluded", r.excluded());
            if (m.deduplicated()) {
                row.put("duplicates", r.duplicates());
            }
        });
        ArrayNode inputs = n.putArray("inputs");
        m.inputs().forEach(i -> {
            ObjectNode input = inputs.addObject().put("name", i.name()).put("bytes", i.bytes());
            if (!i.sha256().isEmpty()) {
                input.put("sha256", i.sha256());
            }
        });
        return n;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
