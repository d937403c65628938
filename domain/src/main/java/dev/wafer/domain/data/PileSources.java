package dev.wafer.domain.data;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The 22 sources of the Pile as its JSONL names them ({@code meta.pile_set_name}; Gao et al. 2020, Table 1), the
 * corpus the paper trained on.
 */
public final class PileSources {
    /** The names as the Pile writes them. */
    public static final List<String> NAMES = List.of("Pile-CC", "PubMed Central", "Books3", "OpenWebText2", "ArXiv",
            "Github", "FreeLaw", "StackExchange", "USPTO Backgrounds", "PubMed Abstracts", "Gutenberg (PG-19)",
            "OpenSubtitles", "Wikipedia (en)", "DM Mathematics", "Ubuntu IRC", "BookCorpus2", "EuroParl", "HackerNews",
            "YoutubeSubtitles", "PhilPapers", "NIH ExPorter", "Enron Emails");

    private static final Set<String> LOWER = NAMES.stream().map(n -> n.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    private PileSources() {
    }

    /** Whether {@code name} is a Pile source, compared case-insensitively as the provenance rules compare. */
    public static boolean isPileSource(String name) {
        return LOWER.contains(name.toLowerCase(Locale.ROOT));
    }
}
