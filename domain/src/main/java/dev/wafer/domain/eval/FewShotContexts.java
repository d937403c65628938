package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the context string of a document, zero- or k-shot, as lm-evaluation-harness v0.3.0
 * {@code fewshot_context} does for tasks without a training split: draw k + 1 documents from the task's own
 * documents, drop the one being evaluated (and any identical copy), keep k, and render
 * {@code description + "\n\n".join(text + target of each example) + "\n\n" + text(doc)}.
 *
 * <p>Examples are drawn with a generator seeded from (seed, document index), so a document's context does not depend
 * on which other documents were evaluated before it.
 */
public final class FewShotContexts {
    private static final String SEPARATOR = "\n\n";
    private final int shots;
    private final long seed;

    /**
     * @param shots number of examples (0 for zero-shot)
     * @param seed  seed of the example draw
     */
    public FewShotContexts(int shots, long seed) {
        if (shots < 0) {
            throw new IllegalArgumentException("shots must be >= 0: " + shots);
        }
        this.shots = shots;
        this.seed = seed;
    }

    /** The number of examples per context. */
    public int shots() {
        return shots;
    }

    /** The full context for document {@code docIndex} of {@code task}. */
    public String context(EvalTask task, int docIndex) {
        EvalDoc doc = task.docs().get(docIndex);
        String description = task.description().isEmpty() ? "" : task.description() + SEPARATOR;
        if (shots == 0) {
            return description + doc.text();
        }
        List<String> examples = new ArrayList<>();
        for (int i : exampleIndices(task, docIndex)) {
            EvalDoc ex = task.docs().get(i);
            examples.add(ex.text() + ex.target());
        }
        return description + String.join(SEPARATOR, examples) + SEPARATOR + doc.text();
    }

    /** Indices of the examples used for document {@code docIndex}, in the order they appear. */
    public List<Integer> exampleIndices(EvalTask task, int docIndex) {
        List<EvalDoc> docs = task.docs();
        if (docs.size() < shots + 1) {
            throw new IllegalArgumentException("task " + task.name() + " has " + docs.size() + " documents; "
                    + shots + "-shot evaluation needs at least " + (shots + 1));
        }
        SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (docIndex + 1L)));
        // A partial Fisher-Yates shuffle draws shots + 1 distinct documents in random order.
        int[] order = new int[docs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < shots + 1; i++) {
            int j = i + rng.nextInt(order.length - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
            if (!docs.get(order[i]).equals(docs.get(docIndex)) && chosen.size() < shots) {
                chosen.add(order[i]);
            }
        }
        return chosen;
    }
}
