package dev.wafer.app.cli;

import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.formats.tasks.TaskFileException;
import dev.wafer.formats.tasks.harness.HarnessDataDir;
import dev.wafer.formats.tasks.harness.HarnessTaskFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The harness tasks chosen by {@code --task NAME --data FILE [--fewshot-data FILE]} or {@code --tasks paper --data-dir DIR}. */
final class HarnessSelection {
    private HarnessSelection() {
    }

    /** One task from its files. */
    static EvalTask one(String name, Path data, Path fewshotData, int shots) {
        HarnessTask task = HarnessTask.fromName(name);
        if (task == null) {
            throw new UserError("--task: unknown task '" + name + "'; known: " + HarnessTask.names());
        }
        if (data == null) {
            throw new UserError("--task " + name + " needs --data FILE (its " + task.split() + " split)");
        }
        check(task, shots, fewshotData != null, "--fewshot-data FILE");
        try {
            return HarnessTaskFiles.task(task, data, fewshotData);
        } catch (TaskFileException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The seven tasks of the paper's Table 3 from a data directory. */
    static List<EvalTask> paper(Path dataDir, int shots) {
        if (dataDir == null) {
            throw new UserError("--tasks paper needs --data-dir DIR");
        }
        List<EvalTask> out = new ArrayList<>();
        try {
            for (HarnessTask task : HarnessTask.PAPER) {
                out.add(HarnessDataDir.task(task, dataDir, shots > 0 && task.hasTrainingDocs()));
            }
        } catch (TaskFileException e) {
            throw new UserError("--data-dir: " + e.getMessage());
        }
        return out;
    }

    private static void check(HarnessTask task, int shots, boolean hasFewshotData, String flag) {
        String name = task.harnessName();
        if (task.zeroShotOnly() && shots != 0) {
            throw new UserError(name + " runs zero-shot only (the harness asserts num_fewshot == 0); drop --shots");
        }
        if (!task.hasTrainingDocs() && hasFewshotData) {
            throw new UserError(name + " has no training split: the harness draws its examples from the evaluated"
                    + " documents; drop " + flag);
        }
        if (task.hasTrainingDocs() && shots > 0 && !hasFewshotData) {
            throw new UserError(name + " draws " + shots + "-shot examples from its training split; give " + flag);
        }
    }
}
