package dev.wafer.formats.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The fingerprint checkpoints record since 2026-12-07: the digest of the manifest reduced to what decides the tokens
 * and their order (settings and rules, splits and their shards' sizes and CRC-32s, the summary's counts, the
 * exclusions' count per rule, the inputs' sizes). What only says when, or from which files, the data was made is left
 * out, so the same corpus prepared from another directory, by another spelling of its path, or after it was moved or
 * renamed is the same data: the preparation's duration, the inputs' names and SHA-256, the {@code from PATH} of each
 * excluded work, where malformed records were, and the files that record where documents came from or index them
 * ({@code documents.jsonl}, {@code exclusions.jsonl}, {@code duplicates.jsonl}: locations; {@code audit-index.bin}:
 * derived from the training documents' words, so a change to the word rule alone does not make other data). Those
 * files' integrity is still checked against their CRC-32C where they are read.
 */
final class DatasetIdentity {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    /** {@code NAME (N shingles, from PATH)} as {@code data prepare} records an excluded work. */
    private static final Pattern WORK = Pattern.compile("(.*? \\(\\d+ shingles), from .*\\)", Pattern.DOTALL);

    private DatasetIdentity() {
    }

    /** The identity of the (already checked) manifest {@code root}. */
    static String of(JsonNode root) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(PLAIN.writeValueAsBytes(view(root)));
            return "manifest-sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot digest a parsed manifest", e);
        }
    }

    /** The manifest without what says when or from which files it was made; package-private for its test. */
    static ObjectNode view(JsonNode root) {
        ObjectNode v = (ObjectNode) root.deepCopy();
        v.remove("prepare_seconds");
        v.remove("files");
        // Where the skipped records were; how many there were is summary.malformed.
        v.remove("malformed");
        for (JsonNode input : v.path("inputs")) {
            if (input instanceof ObjectNode o) {
                o.remove("name");
                o.remove("sha256");
            }
        }
        if (v.path("settings").path("exclude_works") instanceof ArrayNode works) {
            for (int i = 0; i < works.size(); i++) {
                Matcher m = WORK.matcher(works.get(i).asText());
                if (m.matches()) {
                    works.set(i, TextNode.valueOf(m.group(1) + ")"));
                }
            }
        }
        if (v.has("exclusions")) {
            v.set("exclusions", exclusions(v.get("exclusions")));
        }
        return v;
    }

    /**
     * The exclusions' count and count per rule, whether the manifest lists them inline (builds before 2026-12-08, and
     * an empty array where there are none) or summarises {@code exclusions.jsonl}: the rules sorted by name.
     */
    private static ObjectNode exclusions(JsonNode ex) {
        Map<String, Long> rules = new TreeMap<>();
        long count;
        if (ex.isArray()) {
            count = ex.size();
            ex.forEach(e -> rules.merge(e.path("rule").asText(), 1L, Long::sum));
        } else {
            count = ex.path("count").asLong();
            ex.path("rules").properties().forEach(e -> rules.put(e.getKey(), e.getValue().asLong()));
        }
        ObjectNode out = PLAIN.createObjectNode().put("count", count);
        ObjectNode byRule = out.putObject("rules");
        rules.forEach(byRule::put);
        return out;
    }
}
