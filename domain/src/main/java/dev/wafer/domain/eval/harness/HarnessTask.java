package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.TaskType;
import java.util.List;

/** The harness tasks Wafer reproduces, by their harness names, with the split each is evaluated on. */
public enum HarnessTask {
    /** hellaswag.py {@code HellaSwag}: validation split (no test docs); few-shot from train. */
    HELLASWAG("hellaswag", TaskType.MULTIPLE_CHOICE, "validation", true),
    /** piqa.py {@code PiQA}: validation split; few-shot from train. */
    PIQA("piqa", TaskType.MULTIPLE_CHOICE, "validation", true),
    /** winogrande.py {@code Winogrande} ({@code winogrande_xl}): validation split; few-shot from train. */
    WINOGRANDE("winogrande", TaskType.WINOGRANDE, "validation", true),
    /** lambada.py {@code LambadaOpenAI}: OpenAI's test file as the validation split; no training split. */
    LAMBADA_OPENAI("lambada_openai", TaskType.LAMBADA, "validation", false),
    /** arc.py {@code ARCEasy}: test split; few-shot from train. */
    ARC_EASY("arc_easy", TaskType.MULTIPLE_CHOICE, "test", true),
    /** arc.py {@code ARCChallenge}: test split; few-shot from train. */
    ARC_CHALLENGE("arc_challenge", TaskType.MULTIPLE_CHOICE, "test", true),
    /** openbookqa.py {@code OpenBookQA} (main): test split; few-shot from train. */
    OPENBOOKQA("openbookqa", TaskType.MULTIPLE_CHOICE, "test", true),
    /** crowspairs.py {@code CrowsPairsEnglish}: the dataset's test split served as validation; zero-shot only. */
    CROWS_PAIRS_ENGLISH("crows_pairs_english", TaskType.CROWS_PAIRS, "validation", false);

    /** The seven tasks of the paper's Table 3, in its column order. */
    public static final List<HarnessTask> PAPER = List.of(HELLASWAG, PIQA, WINOGRANDE, LAMBADA_OPENAI, ARC_EASY,
            ARC_CHALLENGE, OPENBOOKQA);

    private final String harnessName;
    private final TaskType type;
    private final String split;
    private final boolean hasTrainingDocs;

    HarnessTask(String harnessName, TaskType type, String split, boolean hasTrainingDocs) {
        this.harnessName = harnessName;
        this.type = type;
        this.split = split;
        this.hasTrainingDocs = hasTrainingDocs;
    }

    /** The harness's task name, e.g. {@code arc_easy}. */
    public String harnessName() {
        return harnessName;
    }

    /** The scoring rule. */
    public TaskType type() {
        return type;
    }

    /** The split the harness evaluates: {@code test} when the task has test docs, else {@code validation}. */
    public String split() {
        return split;
    }

    /**
     * Whether few-shot examples come from a training split ({@code fewshot_examples}); otherwise they are drawn from
     * the evaluated documents themselves, never the one being scored ({@code fewshot_context}).
     */
    public boolean hasTrainingDocs() {
        return hasTrainingDocs;
    }

    /** Whether the task only runs zero-shot (CrowS-Pairs asserts {@code num_fewshot == 0}). */
    public boolean zeroShotOnly() {
        return type == TaskType.CROWS_PAIRS;
    }

    /** The task of a harness name, or null. */
    public static HarnessTask fromName(String name) {
        for (HarnessTask t : values()) {
            if (t.harnessName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Every harness name, comma-separated, for messages. */
    public static String names() {
        return String.join(", ", java.util.Arrays.stream(values()).map(HarnessTask::harnessName).toList());
    }
}
