package dev.wafer.domain.eval;

import java.util.List;
import java.util.Objects;

/**
 * A named set of documents of one type.
 *
 * @param name        task name as reported, e.g. {@code piqa}
 * @param type        scoring rule
 * @param description optional text put before the few-shot examples (empty for none)
 * @param docs        the documents, all of {@code type}
 */
public record EvalTask(String name, TaskType type, String description, List<EvalDoc> docs) {
    /** Requires documents of the task's type. */
    public EvalTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        docs = List.copyOf(docs);
        if (docs.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no documents");
        }
        for (int i = 0; i < docs.size(); i++) {
            if (docs.get(i).type() != type) {
                throw new IllegalArgumentException("task " + name + " is " + type.id() + " but document " + i
                        + " is " + docs.get(i).type().id());
            }
        }
    }
}
