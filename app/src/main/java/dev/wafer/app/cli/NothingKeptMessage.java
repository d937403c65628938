package dev.wafer.app.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.prepare.ExclusionTally;
import dev.wafer.domain.data.prepare.NoDocumentsException;

/**
 * The one line for a preparation that kept nothing, naming the flags that removed the documents, e.g. {@code all
 * 12 documents were excluded: 10 by --exclude-source Books3, 2 by --allow-licence (licence unknown)}.
 */
final class NothingKeptMessage {
    private NothingKeptMessage() {
    }

    static String of(NoDocumentsException e) {
        String malformed = e.malformed() > 0 ? e.malformed() + " malformed records skipped" : "";
        if (e.exclusions().count() == 0) {
            return "the input holds no documents" + (malformed.isEmpty() ? "" : " (" + malformed + ")")
                    + "; nothing to prepare";
        }
        Map<String, Long> byRule = e.exclusions().groups().stream().collect(Collectors.groupingBy(
                g -> rule(g.first()), LinkedHashMap::new, Collectors.summingLong(ExclusionTally.Group::count)));
        String rules = byRule.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(r -> r.getValue() + " by " + r.getKey()).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "all %d documents were excluded: %s%s; nothing to prepare",
                e.exclusions().count(), rules, malformed.isEmpty() ? "" : " (and " + malformed + ")");
    }

    private static String rule(Exclusion x) {
        return switch (x.rule()) {
            case SOURCE -> "--exclude-source " + DisplayName.of(x.provenance().source());
            case LICENCE -> "--allow-licence (licence " + x.provenance().licence() + ")";
            case WORK -> "--exclude-work";
        };
    }
}
