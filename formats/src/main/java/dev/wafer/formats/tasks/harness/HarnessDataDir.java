package dev.wafer.formats.tasks.harness;

import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.formats.tasks.TaskFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a task's files sit in a data directory. For each task the first that exists is used:
 * {@code DIR/<task>.jsonl} (an HF export; {@code .csv} for CrowS-Pairs), {@code DIR/<task>/<release file>}, then
 * {@code DIR/<release file>}; training files likewise as {@code DIR/<task>_train.jsonl} or the release training file.
 */
public final class HarnessDataDir {
    private HarnessDataDir() {
    }

    /** The release file names of the evaluated split. */
    static List<String> releaseNames(HarnessTask task) {
        return switch (task) {
            case HELLASWAG -> List.of("hellaswag_val.jsonl");
            case PIQA -> List.of("valid.jsonl");
            case WINOGRANDE -> List.of("dev.jsonl");
            case LAMBADA_OPENAI -> List.of("lambada_test.jsonl");
            case ARC_EASY -> List.of("ARC-Easy-Test.jsonl");
            case ARC_CHALLENGE -> List.of("ARC-Challenge-Test.jsonl");
            case OPENBOOKQA -> List.of("test.jsonl");
            case CROWS_PAIRS_ENGLISH -> List.of("crows_pairs_anonymized.csv");
        };
    }

    /** The release file names of the training split (none for tasks without one). */
    static List<String> releaseTrainNames(HarnessTask task) {
        return switch (task) {
            case HELLASWAG -> List.of("hellaswag_train.jsonl");
            case PIQA, OPENBOOKQA -> List.of("train.jsonl");
            case WINOGRANDE -> List.of("train_xl.jsonl");
            case ARC_EASY -> List.of("ARC-Easy-Train.jsonl");
            case ARC_CHALLENGE -> List.of("ARC-Challenge-Train.jsonl");
            case LAMBADA_OPENAI, CROWS_PAIRS_ENGLISH -> List.of();
        };
    }

    /**
     * The task read from {@code dir}; with {@code needTraining} its training file too (few-shot from a training split).
     */
    public static EvalTask task(HarnessTask task, Path dir, boolean needTraining) {
        String own = task.harnessName() + (task == HarnessTask.CROWS_PAIRS_ENGLISH ? ".csv" : ".jsonl");
        Path data = find(task, dir, own, releaseNames(task), "its data");
        Path train = needTraining
                ? find(task, dir, task.harnessName() + "_train.jsonl", releaseTrainNames(task), "its training split (few-shot examples)")
                : null;
        return HarnessTaskFiles.task(task, data, train);
    }

    private static Path find(HarnessTask task, Path dir, String own, List<String> release, String what) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(own));
        if (task == HarnessTask.CROWS_PAIRS_ENGLISH) {
            candidates.add(dir.resolve(task.harnessName() + ".jsonl"));
        }
        for (String r : release) {
            candidates.add(dir.resolve(task.harnessName()).resolve(r));
        }
        for (String r : release) {
            candidates.add(dir.resolve(r));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new TaskFileException(task.harnessName() + ": " + dir + ": no file for " + what + "; looked for "
                + String.join(", ", candidates.stream().map(p -> dir.relativize(p).toString()).toList()));
    }
}
