package dev.wafer.formats.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.eval.CrowsPairsDoc;
import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.LambadaDoc;
import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.TaskType;
import dev.wafer.domain.eval.WinograndeDoc;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.formats.input.StrictLineReader;

/** Reads task files in the schema documented in the package documentation. */
public final class TaskJsonlReader {
    /**
     * Content after a line's object ({@code {...} x}, {@code {...}{...}}) is malformed, as Python's json.loads says;
     * a key given twice is refused rather than silently keeping the last value.
     */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> COMMON = Set.of("task", "type", "description", "train");
    private static final Map<TaskType, Set<String>> FIELDS = Map.of(
            TaskType.MULTIPLE_CHOICE, Set.of("context", "choices", "gold"),
            TaskType.WINOGRANDE, Set.of("sentence", "choices", "gold"),
            TaskType.LAMBADA, Set.of("text"),
            TaskType.CROWS_PAIRS, Set.of("sent_more", "sent_less", "bias_type"));

    private TaskJsonlReader() {
    }

    /** Reads one {@code .jsonl} file, or every {@code .jsonl} file of a directory in name order. */
    public static List<EvalTask> read(Path fileOrDirectory) {
        return read(List.of(fileOrDirectory));
    }

    /**
     * Reads files and directories together, as one directory holding them all: lines of the same task in different
     * files (its scored documents in one, its {@code "train": true} lines in another) make one task.
     *
     * @throws TaskFileException when a file is given twice (itself, or again through its directory), which would
     *                           score every document twice
     */
    public static List<EvalTask> read(List<Path> filesOrDirectories) {
        Builder builder = new Builder();
        Map<Path, Path> seen = new LinkedHashMap<>();
        for (Path given : filesOrDirectories) {
            for (Path file : files(given)) {
                Path real;
                try {
                    real = file.toRealPath();
                } catch (IOException e) {
                    throw new TaskFileException(file + ": cannot read: " + e.getMessage(), e);
                }
                Path before = seen.putIfAbsent(real, file);
                if (before != null) {
                    throw new TaskFileException(file + " is given twice" + (before.equals(file) ? "" : " (also as "
                            + before + ")") + "; each task file may be read once");
                }
                try (InputStream in = Files.newInputStream(file)) {
                    builder.add(file.toString(), in);
                } catch (IOException e) {
                    throw new TaskFileException(file + ": cannot read: " + e.getMessage(), e);
                }
            }
        }
        return builder.tasks(String.join(", ", filesOrDirectories.stream().map(Path::toString).toList()));
    }

    private static List<Path> files(Path fileOrDirectory) {
        List<Path> files;
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> s = Files.list(fileOrDirectory)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
            } catch (IOException e) {
                throw new TaskFileException(fileOrDirectory + ": cannot list directory: " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new TaskFileException(fileOrDirectory + ": no .jsonl task files in this directory");
            }
        } else if (Files.isRegularFile(fileOrDirectory)) {
            files = List.of(fileOrDirectory);
        } else {
            throw new TaskFileException(fileOrDirectory + ": " + (Files.exists(fileOrDirectory)
                    ? dev.wafer.formats.fileio.FileKinds.whyNotAFile(fileOrDirectory) : "no such file or directory"));
        }
        return files;
    }

    /** Reads task lines from a stream; {@code source} names it in messages. */
    public static List<EvalTask> read(String source, InputStream in) {
        Builder builder = new Builder();
        try {
            builder.add(source, in);
        } catch (IOException e) {
            throw new TaskFileException(source + ": cannot read: " + e.getMessage(), e);
        }
        return builder.tasks(source);
    }

    /** Groups documents by task name across lines and files. */
    private static final class Builder {
        private final Map<String, TaskType> types = new LinkedHashMap<>();
        private final Map<String, String> descriptions = new LinkedHashMap<>();
        private final Map<String, List<EvalDoc>> docs = new LinkedHashMap<>();
        private final Map<String, List<EvalDoc>> trainDocs = new LinkedHashMap<>();
        private final Map<String, List<String>> sources = new LinkedHashMap<>();

        void add(String source, InputStream in) throws IOException {
            // Strict: invalid bytes were once replaced by U+FFFD and the documents scored as if nothing was wrong.
            StrictLineReader reader = new StrictLineReader(in, source);
            String line;
            try {
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        addLine(source + ":" + reader.lineNumber(), line);
                    }
                }
            } catch (InvalidInputException e) {
                throw new TaskFileException(e.getMessage());
            }
        }

        private void addLine(String where, String line) {
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new TaskFileException(where + ": not valid JSON: " + JsonLineError.describe(e));
            }
            if (node == null || !node.isObject()) {
                throw new TaskFileException(where + ": each line must be a JSON object");
            }
            UnpairedSurrogates.check(where, node);
            String task = text(where, node, "task");
            String typeId = text(where, node, "type");
            TaskType type = TaskType.fromId(typeId);
            if (type == null) {
                throw new TaskFileException(where + ": field 'type' is '" + typeId
                        + "'; expected multiple_choice, winogrande, lambada or crows_pairs");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String field = it.next();
                if (!COMMON.contains(field) && !FIELDS.get(type).contains(field)) {
                    throw new TaskFileException(where + ": unknown field '" + field + "' for type " + typeId
                            + "; allowed: task, type, description, train, " + String.join(", ", FIELDS.get(type).stream().sorted().toList()));
                }
            }
            TaskType previous = types.putIfAbsent(task, type);
            if (previous != null && previous != type) {
                throw new TaskFileException(where + ": task '" + task + "' was " + previous.id() + " on earlier lines, now " + typeId);
            }
            if (node.has("description")) {
                String d = text(where, node, "description");
                String before = descriptions.putIfAbsent(task, d);
                if (before != null && !before.equals(d)) {
                    throw new TaskFileException(where + ": task '" + task + "' has a different description than on earlier lines");
                }
            }
            EvalDoc doc;
            try {
                doc = switch (type) {
                    case MULTIPLE_CHOICE -> new MultipleChoiceDoc(text(where, node, "context"), strings(where, node, "choices"),
                            integer(where, node, "gold"));
                    case WINOGRANDE -> new WinograndeDoc(text(where, node, "sentence"), strings(where, node, "choices"),
                            integer(where, node, "gold"));
                    case LAMBADA -> new LambadaDoc(text(where, node, "text"));
                    case CROWS_PAIRS -> new CrowsPairsDoc(text(where, node, "sent_more"), text(where, node, "sent_less"),
                            text(where, node, "bias_type"));
                };
            } catch (IllegalArgumentException e) {
                throw new TaskFileException(where + ": " + e.getMessage(), e);
            }
            // Training documents are the few-shot example pool, kept apart from the scored documents.
            if (train(where, node)) {
                trainDocs.computeIfAbsent(task, k -> new ArrayList<>()).add(doc);
            } else {
                docs.computeIfAbsent(task, k -> new ArrayList<>()).add(doc);
                sources.computeIfAbsent(task, k -> new ArrayList<>()).add(where);
            }
        }

        /** The tasks read; {@code source} (the file or directory) names the input in errors. */
        List<EvalTask> tasks(String source) {
            for (String name : trainDocs.keySet()) {
                if (!docs.containsKey(name)) {
                    throw new TaskFileException(source + ": task '" + name + "' has only \"train\": true lines; it needs documents to score");
                }
            }
            if (docs.isEmpty()) {
                throw new TaskFileException(source + ": no task documents found");
            }
            List<EvalTask> out = new ArrayList<>();
            docs.forEach((name, list) -> out.add(new EvalTask(name, types.get(name), descriptions.getOrDefault(name, ""), list,
                    trainDocs.getOrDefault(name, List.of()), sources.get(name))));
            return out;
        }
    }

    private static String text(String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new TaskFileException(where + ": field '" + field + "' must be a string" + (v == null ? " (missing)" : ", found " + v));
        }
        return v.asText();
    }

    private static boolean train(String where, JsonNode node) {
        JsonNode v = node.get("train");
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new TaskFileException(where + ": field 'train' must be true or false, found " + v);
        }
        return v.booleanValue();
    }

    private static int integer(String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new TaskFileException(where + ": field '" + field + "' must be an integer" + (v == null ? " (missing)" : ", found " + v));
        }
        return v.asInt();
    }

    private static List<String> strings(String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw new TaskFileException(where + ": field '" + field + "' must be an array of strings" + (v == null ? " (missing)" : ""));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new TaskFileException(where + ": field '" + field + "' must contain only strings, found " + item);
            }
            out.add(item.asText());
        }
        return out;
    }
}
