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
 */
public record EvalTask(String name, TaskType type, String description, List<EvalDoc> docs, List<EvalDoc> trainDocs) {
    /** Requires documents of the task's type. */
    public EvalTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        docs = List.copyOf(docs);
        trainDocs = List.copyOf(trainDocs);
        if (docs.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no documents");
        }
        requireType(name, type, docs, "document ");
        requireType(name, type, trainDocs, "training document ");
    }

    /** A task without training documents. */
    public EvalTask(String name, TaskType type, String description, List<EvalDoc> docs) {
        this(name, type, description, docs, List.of());
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
