package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.Split;

/**
 * Integrity of {@code manifest.json}: its SHA-256 in {@code manifest.json.sha256} ({@code sha256sum -c} reads it),
 * and the shape of the fields the commands trust (shard list, file checksums, settings), so that a manifest that
 * is damaged, or edited without care, stops a command with one line instead of misleading it.
 */
final class ManifestCheck {
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  " + Pattern.quote(DatasetLayout.MANIFEST) + "\n?");
    private static final Pattern CRC = Pattern.compile("[0-9a-f]{8}");
    /** Bigger than any checksum line; a larger file is not one. */
    private static final long MAX_LINE_BYTES = 1024;

    private ManifestCheck() {
    }

    /** The checksum file's content for a manifest. */
    static String line(byte[] manifest) {
        return sha256(manifest) + "  " + DatasetLayout.MANIFEST + "\n";
    }

    /** Checks {@code manifest} against {@code manifest.json.sha256}. */
    static void verifyDigest(DatasetLayout layout, byte[] manifest) throws IOException {
        Path sidecar = layout.manifestSha256();
        String text;
        try {
            if (Files.size(sidecar) > MAX_LINE_BYTES) {
                throw new InvalidInputException(sidecar + ": " + Files.size(sidecar) + " bytes, not a checksum line");
            }
            text = new String(Files.readAllBytes(sidecar), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(sidecar + ": missing, so " + DatasetLayout.MANIFEST + " cannot be verified"
                    + " (prepared by an older wafer, or damaged); prepare the dataset again");
        }
        var m = LINE.matcher(text);
        if (!m.matches()) {
            throw new InvalidInputException(sidecar + ": not a line '<64 hex digits>  " + DatasetLayout.MANIFEST + "'");
        }
        String actual = sha256(manifest);
        if (!actual.equals(m.group(1))) {
            throw new InvalidInputException(layout.manifest() + ": SHA-256 is " + actual + " but "
                    + DatasetLayout.MANIFEST_SHA256 + " records " + m.group(1)
                    + "; the manifest is damaged, prepare the dataset again");
        }
    }

    /** Checks the fields other code reads without further checks. */
    static void verifyFields(Path file, JsonNode root) {
        JsonNode settings = object(file, root, "settings");
        positiveInt(file, settings, "settings.vocab_size");
        positiveInt(file, settings, "settings.seq_len");
        object(file, root, "summary");
        JsonNode splits = object(file, root, "splits");
        for (Map.Entry<String, JsonNode> e : splits.properties()) {
            Split split = split(file, e.getKey());
            JsonNode shards = e.getValue().path("shards");
            if (!shards.isArray()) {
                throw new InvalidInputException(file + ": field splits." + e.getKey() + ".shards is not a list");
            }
            nonNegativeLong(file, e.getValue(), "splits." + e.getKey() + ".sequences", "sequences");
            long inShards = 0;
            for (int i = 0; i < shards.size(); i++) {
                String where = "splits." + e.getKey() + ".shards[" + i + "]";
                JsonNode shard = shards.get(i);
                String expected = String.format(Locale.ROOT, "%s-%05d.bin", split.fileName(), i);
                if (!expected.equals(shard.path("file").asText(null))) {
                    throw new InvalidInputException(file + ": field " + where + ".file is " + shard.path("file")
                            + ", expected \"" + expected + "\"");
                }
                nonNegativeLong(file, shard, where + ".sequences", "sequences");
                nonNegativeLong(file, shard, where + ".bytes", "bytes");
                crc(file, shard, where + ".crc32", "crc32");
                inShards += shard.path("sequences").asLong();
            }
            // The split's count is what stats print and planning reads; its shards' counts are what is there.
            long sequences = e.getValue().path("sequences").asLong();
            if (sequences != inShards) {
                throw new InvalidInputException(file + ": field splits." + e.getKey() + ".sequences is " + sequences
                        + " but its shards list " + inShards + " sequences");
            }
        }
        JsonNode files = object(file, root, "files");
        JsonNode dedup = settings.path("dedup");
        if (!dedup.isMissingNode()) {
            String mode = dedup.path("mode").asText("");
            if (!mode.equals("exact") && !mode.equals("near")) {
                throw new InvalidInputException(file + ": field settings.dedup.mode is " + dedup.path("mode")
                        + ", expected \"exact\" or \"near\"");
            }
            JsonNode threshold = dedup.path("threshold");
            if (!threshold.isNumber() || !(threshold.asDouble() > 0 && threshold.asDouble() <= 1)) {
                throw new InvalidInputException(file + ": field settings.dedup.threshold is "
                        + (threshold.isMissingNode() ? "missing" : threshold.toString())
                        + ", expected a number in (0, 1]");
            }
        }
        String[] listed = dedup.isMissingNode()
                ? new String[] {DatasetLayout.DOCUMENTS, DatasetLayout.AUDIT_INDEX}
                : new String[] {DatasetLayout.DOCUMENTS, DatasetLayout.AUDIT_INDEX, DatasetLayout.DUPLICATES};
        for (String name : listed) {
            JsonNode f = files.path(name);
            if (!f.isObject()) {
                throw new InvalidInputException(file + ": field files." + name + " is missing");
            }
            nonNegativeLong(file, f, "files." + name + ".bytes", "bytes");
            crc(file, f, "files." + name + ".crc32c", "crc32c");
        }
        JsonNode exclusions = root.path("exclusions");
        if (exclusions.isObject()) {
            // Since 2026-12-08 the excluded documents are in exclusions.jsonl; older manifests hold them inline.
            nonNegativeLong(file, exclusions, "exclusions.count", "count");
            nonNegativeLong(file, exclusions, "exclusions.bytes", "bytes");
            crc(file, exclusions, "exclusions.crc32c", "crc32c");
            if (!DatasetLayout.EXCLUSIONS.equals(exclusions.path("file").asText())) {
                throw new InvalidInputException(file + ": field exclusions.file is " + exclusions.path("file")
                        + ", expected \"" + DatasetLayout.EXCLUSIONS + "\"");
            }
        } else if (!exclusions.isMissingNode() && !exclusions.isArray()) {
            throw new InvalidInputException(file + ": field exclusions is " + exclusions.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT) + ", expected an array or an object");
        }
    }

    private static Split split(Path file, String name) {
        for (Split s : Split.values()) {
            if (s.fileName().equals(name)) {
                return s;
            }
        }
        throw new InvalidInputException(file + ": field splits has an unknown split '" + name + "'");
    }

    private static JsonNode object(Path file, JsonNode parent, String name) {
        JsonNode n = parent.path(name);
        if (!n.isObject()) {
            throw new InvalidInputException(file + ": field " + name + " is missing or not an object");
        }
        return n;
    }

    private static void positiveInt(Path file, JsonNode parent, String where) {
        JsonNode n = parent.path(where.substring(where.lastIndexOf('.') + 1));
        if (!n.isInt() || n.asInt() <= 0) {
            throw new InvalidInputException(file + ": field " + where + " is " + n + ", expected a positive integer");
        }
    }

    private static void nonNegativeLong(Path file, JsonNode parent, String where, String name) {
        JsonNode n = parent.path(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new InvalidInputException(file + ": field " + where + " is " + n + ", expected a non-negative integer");
        }
    }

    private static void crc(Path file, JsonNode parent, String where, String name) {
        JsonNode n = parent.path(name);
        if (!n.isTextual() || !CRC.matcher(n.asText()).matches()) {
            throw new InvalidInputException(file + ": field " + where + " is " + n + ", expected 8 hex digits");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
