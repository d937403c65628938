package dev.wafer.domain.audit;

import java.util.List;

import dev.wafer.ports.data.TokenizedCorpus;

/**
 * The windows an audit will decode, drawn and read.
 *
 * @param documents       the documents {@link AuditSample#document()} indexes: all of a text corpus's, or only the
 *                        sampled ones of a packed split ({@link RowSampler}), whose other documents need not be held
 * @param corpusDocuments documents of the corpus sampled from (reported; at least as many as {@code documents})
 * @param candidates      windows the corpus offered (the sample is drawn from them)
 * @param samples         the drawn windows, in corpus order
 */
public record AuditPlan(List<TokenizedCorpus.Document> documents, int corpusDocuments, long candidates,
                        List<AuditSample> samples) {
    /** Copies the document and sample lists. */
    public AuditPlan {
        documents = List.copyOf(documents);
        samples = List.copyOf(samples);
        if (corpusDocuments < documents.size()) {
            throw new IllegalArgumentException("corpusDocuments " + corpusDocuments + " < " + documents.size()
                    + " documents");
        }
    }

    /** A plan whose documents are all the corpus's. */
    public AuditPlan(List<TokenizedCorpus.Document> documents, long candidates, List<AuditSample> samples) {
        this(documents, documents.size(), candidates, samples);
    }
}
