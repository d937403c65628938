package dev.wafer.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.formats.tasks.TaskFileException;
import dev.wafer.formats.tasks.TaskJsonlReader;
import dev.wafer.domain.eval.EvalTask;

/** The tasks {@code eval --tasks} names: task files and directories, and the example tasks shipped in the jar. */
final class EvalTaskSources {
    /** The example tasks shipped in the jar, selected by {@code --tasks builtin}. */
    static final List<String> BUILTIN_TASKS = List.of("toy-qa.jsonl", "toy-science.jsonl", "toy-winogrande.jsonl",
            "toy-lambada.jsonl");

    private EvalTaskSources() {
    }

    /**
     * The tasks of {@code --tasks}: the files and directories read together (a task's lines in two files are one
     * task, as in one directory), then the builtin ones; a file or task given twice is refused, since it would be
     * scored, and averaged, twice.
     */
    static List<EvalTask> read(List<String> specs) {
        List<EvalTask> list = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            if (specs.stream().filter("builtin"::equals).count() > 1) {
                throw new UserError("--tasks: builtin is given twice");
            }
            for (String s : specs) {
                if (!s.equals("builtin")) {
                    files.add(Path.of(s));
                }
            }
            if (!files.isEmpty()) {
                list.addAll(TaskJsonlReader.read(files));
            }
            int fileTasks = list.size();
            if (specs.contains("builtin")) {
                for (String name : BUILTIN_TASKS) {
                    try (InputStream in = EvalTaskSources.class.getResourceAsStream("/tasks/" + name)) {
                        if (in == null) {
                            throw new IllegalStateException("built-in task " + name + " is missing from the jar");
                        }
                        // In the order given: builtin before the files when it comes first.
                        list.addAll(specs.get(0).equals("builtin") ? list.size() - fileTasks : list.size(),
                                TaskJsonlReader.read("builtin:" + name, in));
                    }
                }
            }
        } catch (TaskFileException e) {
            throw new UserError("--tasks: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError("--tasks: " + e.getMessage());
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (EvalTask t : list) {
            if (!names.add(t.name())) {
                throw new UserError("--tasks: task '" + t.name() + "' comes from two sources (builtin and a file);"
                        + " each task may be given once");
            }
        }
        return list;
    }
}
