package dev.wafer.app.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.formats.data.DatasetManifest;

/**
 * Why a dataset holds no document of the asked sources, when that is the reason nothing could be sampled: "the
 * split's last row is never trained on" misled when data prepare had excluded the source altogether.
 */
final class SourceAbsence {
    private SourceAbsence() {
    }

    /**
     * The refusal for {@code --source} names none of which has a kept document in the dataset, naming the rule of
     * data prepare that excluded them where the manifest records one; empty when some source has documents.
     */
    static Optional<String> of(Path dataset, DatasetManifest manifest, List<String> sources) {
        if (sources.isEmpty()) {
            return Optional.empty();
        }
        for (String s : sources) {
            boolean kept = manifest.summary().sources().stream()
                    .anyMatch(r -> r.source().equals(s) && r.documents() > 0);
            if (kept) {
                return Optional.empty();
            }
        }
        List<String> byFlag = manifest.settings().excludeSources().stream()
                .filter(x -> sources.stream().anyMatch(s -> ProvenanceRules.sourceKey(s)
                        .equals(ProvenanceRules.sourceKey(x)))).toList();
        String why;
        if (byFlag.size() == sources.size()) {
            why = "data prepare excluded " + (sources.size() == 1 ? "it" : "them") + " ("
                    + String.join(" ", byFlag.stream().map(x -> "--exclude-source " + DisplayName.of(x)).toList())
                    + ", as the manifest records)";
        } else {
            why = "data prepare kept none of " + (sources.size() == 1 ? "its" : "their") + " documents (the manifest's"
                    + " settings and exclusions say which rules removed them)";
        }
        return Optional.of("--dataset " + dataset + " holds no document of --source " + DisplayName.all(sources)
                + ": " + why);
    }
}
