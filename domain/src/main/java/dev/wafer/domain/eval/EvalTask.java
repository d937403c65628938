package dev.wafer.domain.eval;

import java.util.List;
import java.util.Objects;

/**
 * A named set of documents of one type.
 *
 * @param name        task name as reported, e.g. {@code piqa}
 * @param type        scoring rule
 * @param description optional text put before the few-shot examples (empty for none)
 * @param docs        the documents that are scored, all of {@code type}
 * @param trainDocs   the task's training documents, all of {@code type}: few-shot examples are drawn from them and
 *                    they are never scored; empty when the task has no training split
 * @param docSources  where each scored document was read, e.g. {@code tasks.jsonl:3}, in the order of {@code docs};
 *                    empty when unknown
 */
public record EvalTask(String name, TaskType type, String description, List<EvalDoc> docs, List<EvalDoc> trainDocs,
        List<String> docSources) {
    /** Requires documents of the task's type. */
    public EvalTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        docs = List.copyOf(docs);
        trainDocs = List.copyOf(trainDocs);
        docSources = List.copyOf(docSources);
        if (!docSources.isEmpty() && docSources.size() != docs.size()) {
            throw new IllegalArgumentException("task " + name + " has " + docs.size() + " documents but "
                    + docSources.size() + " sources");
        }
        if (docs.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no documents");
        }
        requireType(name, type, docs, "document ");
        requireType(name, type, trainDocs, "training document ");
    }

    /** A task whose documents' sources are unknown. */
    public EvalTask(String name, TaskType type, String description, List<EvalDoc> docs, List<EvalDoc> trainDocs) {
        this(name, type, description, docs, trainDocs, List.of());
    }

    /** A task without training documents. */
    public EvalTask(String name, TaskType type, String description, List<EvalDoc> docs) {
        this(name, type, description, docs, List.of());
    }

    /** Where scored document {@code doc} was read ({@code file:line}), or {@code "task T document i"} when unknown. */
    public String where(int doc) {
        return docSources.isEmpty() ? "task " + name + " document " + doc : docSources.get(doc);
    }

    /** Whether few-shot examples come from training documents (else from {@link #docs()}). */
    public boolean hasTrainDocs() {
        return !trainDocs.isEmpty();
    }

    private static void requireType(String name, TaskType type, List<EvalDoc> docs, String what) {
        for (int i = 0; i < docs.size(); i++) {
            if (docs.get(i).type() != type) {
                throw new IllegalArgumentException("task " + name + " is " + type.id() + " but " + what + i
                        + " is " + docs.get(i).type().id());
            }
        }
    }
}
