package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.TextNormaliser;

/** The {@code wafer data audit} use case: is a passage in a prepared dataset's training split? */
public final class DatasetAuditor {
    private DatasetAuditor() {
    }

    /**
     * A matching training document.
     *
     * @param hash            content hash
     * @param source          source
     * @param location        where it was read
     * @param matchedFraction share of the passage's shingles it contains
     */
    public record Match(String hash, String source, String location, double matchedFraction) {
    }

    /**
     * The answer.
     *
     * @param member          true when the passage is in the training split
     * @param matchedFraction share of the passage's shingles in the best-matching document
     * @param anyFraction     share of the passage's shingles in any training document
     * @param words           words in the passage
     * @param documents       best-matching documents
     */
    public record Report(boolean member, double matchedFraction, double anyFraction, int words, List<Match> documents) {
    }

    /** Audits one passage against a dataset directory. */
    public static Report audit(Path dataset, String passage) throws IOException {
        PreparedDataset prepared = PreparedDataset.open(dataset, "--dataset"); // manifest and sizes first
        MembershipAudit.Result r;
        try (AuditIndexFile.Mapped index = prepared.openAuditIndex()) {
            if (index.shingleWords() != MembershipAudit.SHINGLE_WORDS) {
                throw new InvalidInputException(new DatasetLayout(dataset).auditIndex() + ": field shingleWords is "
                        + index.shingleWords() + ", this Wafer audits with " + MembershipAudit.SHINGLE_WORDS);
            }
            r = new MembershipAudit(index).audit(new TextNormaliser().normalise(passage));
        }
        Set<Integer> ids = r.documents().stream().map(MembershipAudit.DocumentMatch::documentId).collect(Collectors.toSet());
        Map<Integer, JsonNode> docs = prepared.documentsByAuditId(ids);
        List<Match> matches = new ArrayList<>();
        for (MembershipAudit.DocumentMatch m : r.documents()) {
            JsonNode d = docs.get(m.documentId());
            matches.add(new Match(d == null ? "?" : d.path("hash").asText(), d == null ? "?" : d.path("source").asText(),
                    d == null ? "?" : d.path("location").asText(), m.fraction()));
        }
        return new Report(r.member(), r.matchedFraction(), r.anyFraction(), r.words(), matches);
    }
}
