package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Builds the zero- or k-shot context of every document of a task, with the examples lm-evaluation-harness v0.3.0
 * picks, so that the prompts are the harness's to the character.
 *
 * <p>What the harness does (v0.3.0 {@code lm_eval/evaluator.py} {@code evaluate} and {@code lm_eval/base.py}
 * {@code Task.fewshot_context} / {@code fewshot_examples}):
 * <ol>
 *   <li>Per task, {@code rnd = random.Random(); rnd.seed(42); rnd.shuffle(task_docs)}: the evaluated documents are
 *       shuffled with a generator seeded 42 (not 1234; the 1234 few-shot seed belongs to the later v0.4 harness).</li>
 *   <li>Documents are then visited in that shuffled order and the <em>same</em> {@code rnd} is passed to
 *       {@code fewshot_context} for each, so its state advances from document to document: a document's examples
 *       depend on every document visited before it.</li>
 *   <li>With a training split, {@code fewshot_examples} returns {@code rnd.sample(training_docs, k)} (a scored
 *       document cannot be among them). Without one, it takes {@code rnd.sample(docs, k + 1)} from the validation
 *       (else test) documents, drops every example equal to the current document and keeps the first k.</li>
 *   <li>The context is {@code description + "\n\n"} (when there is a description)
 *       {@code + "\n\n".join(text + target of each example) + "\n\n" + text(doc)}; zero-shot it is
 *       {@code description + text(doc)} and the generator is not used after the shuffle.</li>
 * </ol>
 * Here the pool is {@link EvalTask#trainDocs()} when the task has training documents, else {@link EvalTask#docs()},
 * and the generator is {@link PythonRandom}, so the draws equal CPython's. Contexts are returned per document in
 * file order; scores do not depend on the order documents are scored in, so callers need not follow the shuffle.
 */
public final class FewShotContexts {
    /** The seed of the harness's per-task generator. */
    public static final long HARNESS_SEED = 42;
    private static final String SEPARATOR = "\n\n";
    private final int shots;
    private final long seed;

    /** Contexts with {@code shots} examples drawn as the harness draws them (seed {@value #HARNESS_SEED}). */
    public FewShotContexts(int shots) {
        this(shots, HARNESS_SEED);
    }

    /**
     * Contexts with {@code shots} examples drawn from a generator seeded with {@code seed}.
     *
     * @param shots number of examples (0 for zero-shot)
     * @param seed  seed of the per-task generator; {@link #HARNESS_SEED} reproduces the harness
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

    /** The documents examples are drawn from: the training documents if the task has any, else the scored ones. */
    public static List<EvalDoc> examplePool(EvalTask task) {
        return task.hasTrainDocs() ? task.trainDocs() : task.docs();
    }

    /** The context of every document of {@code task}, indexed like {@link EvalTask#docs()}. */
    public List<String> contexts(EvalTask task) {
        List<EvalDoc> pool = examplePool(task);
        String description = task.description().isEmpty() ? "" : task.description() + SEPARATOR;
        List<List<Integer>> examples = exampleIndices(task);
        List<String> out = new ArrayList<>(task.docs().size());
        for (int d = 0; d < task.docs().size(); d++) {
            StringBuilder context = new StringBuilder(description);
            for (int i : examples.get(d)) {
                EvalDoc ex = pool.get(i);
                context.append(ex.text()).append(ex.target()).append(SEPARATOR);
            }
            out.add(context.append(task.docs().get(d).text()).toString());
        }
        return out;
    }

    /**
     * The context of one document. It draws for the whole task (the harness's draws are sequential), so use
     * {@link #contexts(EvalTask)} to render many.
     */
    public String context(EvalTask task, int docIndex) {
        return contexts(task).get(docIndex);
    }

    /** The harness's visiting order: indices into {@link EvalTask#docs()} after its seeded shuffle. */
    public List<Integer> evaluationOrder(EvalTask task) {
        return shuffledOrder(new PythonRandom(seed), task.docs().size());
    }

    /**
     * Why {@code task} cannot be evaluated with this many shots (too few documents to draw the examples from), or
     * empty when it can; callers check this before evaluating so that the refusal can name their input.
     */
    public Optional<String> shortage(EvalTask task) {
        if (shots == 0) {
            return Optional.empty();
        }
        int pool = examplePool(task).size();
        int needed = task.hasTrainDocs() ? shots : shots + 1;
        return pool >= needed ? Optional.empty() : Optional.of("task " + task.name() + " has "
                + pool + (task.hasTrainDocs() ? " training document" : " document") + (pool == 1 ? "" : "s") + "; "
                + shots + "-shot evaluation needs at least " + needed);
    }

    /**
     * For each document (indexed like {@link EvalTask#docs()}), the indices into {@link #examplePool(EvalTask)} of
     * its examples, in the order they appear in the context.
     */
    public List<List<Integer>> exampleIndices(EvalTask task) {
        PythonRandom rnd = new PythonRandom(seed);
        List<Integer> order = shuffledOrder(rnd, task.docs().size());
        List<List<Integer>> examples = new ArrayList<>(Collections.nCopies(task.docs().size(), List.<Integer>of()));
        if (shots == 0) {
            return examples;
        }
        List<EvalDoc> pool = examplePool(task);
        shortage(task).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        List<Integer> positions = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            positions.add(i);
        }
        for (int d : order) {
            if (task.hasTrainDocs()) {
                examples.set(d, List.copyOf(rnd.sample(positions, shots)));
            } else {
                // One extra draw so that dropping the scored document (and any identical copy) usually leaves k.
                EvalDoc doc = task.docs().get(d);
                examples.set(d, rnd.sample(positions, shots + 1).stream()
                        .filter(i -> !pool.get(i).equals(doc)).limit(shots).toList());
            }
        }
        return examples;
    }

    private static List<Integer> shuffledOrder(PythonRandom rnd, int n) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        rnd.shuffle(order);
        return order;
    }
}
