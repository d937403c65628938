package dev.wafer.domain.data.prepare;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.TextNormaliser;
import dev.wafer.domain.data.WordShingles;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.MinHasher;
import dev.wafer.ports.data.RawDocument;

/**
 * Pass-1 work on one document, run on worker threads: normalise, hash, apply rules (before tokenisation, so
 * excluded text is never tokenised), assign the split, tokenise, shingle training documents for the audit, and
 * sign kept documents with MinHash when near duplicates are removed.
 */
final class DocumentProcessor {
    private final PreparationSettings settings;
    private final TextNormaliser normaliser = new TextNormaliser();
    private final WordShingles auditShingles = WordShingles.letterwise(MembershipAudit.SHINGLE_WORDS);
    private final MinHasher minHasher;

    DocumentProcessor(PreparationSettings settings) {
        this.settings = settings;
        this.minHasher = settings.dedup().mode() == DedupMode.NEAR ? new MinHasher() : null;
    }

    ProcessedDocument process(long ordinal, RawDocument raw) {
        String text = normaliser.normalise(raw.text());
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ContentHash hash = ContentHash.ofUtf8(utf8);
        Provenance provenance = new Provenance(
                raw.source() != null ? raw.source() : settings.defaultSource(),
                raw.licence() != null ? raw.licence() : settings.defaultLicence(),
                hash, raw.location());
        Optional<Exclusion> exclusion = settings.rules().check(provenance, text);
        if (exclusion.isPresent()) {
            return new ProcessedDocument(ordinal, provenance, exclusion.get(), null, null, null, utf8.length);
        }
        Split split = settings.splits().assign(hash);
        int[] tokens = settings.tokenizer().encode(text);
        long[] shingles = split == Split.TRAIN ? auditShingles.distinct(text) : null;
        int[] signature = minHasher != null ? minHasher.signature(text) : null;
        return new ProcessedDocument(ordinal, provenance, null, split, tokens, shingles, utf8.length, signature);
    }
}
