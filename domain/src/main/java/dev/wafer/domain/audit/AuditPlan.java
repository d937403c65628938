package dev.wafer.domain.audit;

import java.util.List;

import dev.wafer.ports.data.TokenizedCorpus;

/**
 * The windows an audit will decode, drawn and read.
 *
 * @param documents  the corpus's documents, which {@link AuditSample#document()} indexes
 * @param candidates windows the corpus offered (the sample is drawn from them)
 * @param samples    the drawn windows, in corpus order
 */
public record AuditPlan(List<TokenizedCorpus.Document> documents, long candidates, List<AuditSample> samples) {
    /** Copies the document and sample lists. */
    public AuditPlan {
        documents = List.copyOf(documents);
        samples = List.copyOf(samples);
    }
}
