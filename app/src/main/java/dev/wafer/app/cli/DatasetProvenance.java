package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;

/**
 * The dataset a checkpoint names, looked up at its recorded path for {@code audit provenance}: whether it is still
 * there, whether its fingerprint is still the recorded one (a dataset prepared again in place is other data), and the
 * provenance rules its manifest records (excluded sources, allowed licences, excluded works, deduplication, inputs).
 */
final class DatasetProvenance {

    private DatasetProvenance() {
    }

    /** The check as a JSON-ready map; {@code found} false (and why) when the path holds no readable dataset. */
    static Map<String, Object> check(String path, String recordedFingerprint) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", path);
        Path dir = RecordedPath.of(path).orElse(null);
        if (dir == null || !Files.isRegularFile(dir.resolve("manifest.json"))) {
            d.put("found", false);
            d.put("problem", path.isEmpty() ? "no path recorded" : dir == null
                    ? "the recorded path is not a file path here" : "no manifest.json at the recorded path");
            return d;
        }
        DatasetManifest manifest;
        try {
            manifest = ManifestJson.read(dir);
        } catch (IOException | RuntimeException e) {
            d.put("found", false);
            d.put("problem", "its manifest.json cannot be read: " + e.getMessage());
            return d;
        }
        d.put("found", true);
        d.put("fingerprint", manifest.fingerprint());
        d.put("fingerprint_matches", recordedFingerprint.isEmpty() ? null
                : manifest.identifiedBy(recordedFingerprint));
        DatasetManifest.Settings s = manifest.settings();
        d.put("tokenizer", s.tokenizer());
        d.put("row_length", s.seqLen());
        d.put("exclude_sources", s.excludeSources());
        d.put("allow_licences", s.allowLicences());
        d.put("exclude_works", s.excludeWorks());
        d.put("dedup", s.dedup().mode());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (DatasetManifest.Input i : manifest.inputs()) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("name", i.name());
            input.put("bytes", i.bytes());
            // Empty in manifests written before inputs were digested.
            input.put("sha256", i.sha256().isEmpty() ? null : i.sha256());
            inputs.add(input);
        }
        d.put("inputs", inputs);
        d.put("documents", manifest.summary().documents());
        d.put("excluded_documents", manifest.summary().excluded());
        d.put("duplicates_removed", manifest.summary().duplicates());
        return d;
    }

    /** The check's rows in the text report. */
    static void print(KeyValues kv, Map<String, Object> d) {
        if (!Boolean.TRUE.equals(d.get("found"))) {
            kv.row("dataset", "not checked: " + d.get("problem"));
            return;
        }
        Object matches = d.get("fingerprint_matches");
        kv.row("dataset", "found at " + DisplayName.of(String.valueOf(d.get("path"))) + "; fingerprint " + d.get("fingerprint") + (matches == null
                ? " (the checkpoint records none to compare)" : Boolean.TRUE.equals(matches) ? " matches"
                : " DIFFERS from the recorded one: the data there is not what trained this model"));
        kv.row("excluded sources", ProvenanceCommand.listOrNone(d.get("exclude_sources")));
        kv.row("allowed licences", ProvenanceCommand.listOrNone(d.get("allow_licences")).equals("none")
                ? "any" : ProvenanceCommand.listOrNone(d.get("allow_licences")));
        kv.row("excluded works", ProvenanceCommand.listOrNone(d.get("exclude_works")));
        kv.row("dedup", DisplayName.of(String.valueOf(d.get("dedup"))) + " (" + d.get("duplicates_removed") + " duplicates removed)");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) d.get("inputs");
        kv.row("inputs", inputs.isEmpty() ? "none" : String.join(", ", inputs.stream().map(i -> DisplayName.of(
                String.valueOf(i.get("name"))) + " (sha256 " + (i.get("sha256") == null ? "not recorded" : i.get("sha256")) + ")").toList()));
        kv.row("documents", d.get("documents") + " kept, " + d.get("excluded_documents") + " excluded; rows of "
                + d.get("row_length") + " tokens");
    }
}
