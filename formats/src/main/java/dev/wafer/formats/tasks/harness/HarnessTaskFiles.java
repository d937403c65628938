package dev.wafer.formats.tasks.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.formats.input.StrictLineReader;
import dev.wafer.formats.input.StrictUtf8;
import dev.wafer.formats.tasks.TaskFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a harness task's documents from its release file or a Hugging Face export (schemas: package documentation). */
public final class HarnessTaskFiles {
    /** Content after a line's object is malformed, as for the harness's json.loads. */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private HarnessTaskFiles() {
    }

    /**
     * The task to evaluate: documents from {@code data} (the split the harness evaluates), few-shot examples from
     * {@code fewshotData} (the training split), or none.
     *
     * @param fewshotData the training split, or null when the task draws examples from {@code data} or runs zero-shot
     */
    public static EvalTask task(HarnessTask task, Path data, Path fewshotData) {
        List<String> sources = new ArrayList<>();
        List<EvalDoc> docs = read(task, data, sources);
        List<EvalDoc> train = fewshotData == null ? List.of() : read(task, fewshotData);
        return new EvalTask(task.harnessName(), task.type(), "", docs, train, sources);
    }

    /** Every document of {@code file} in file order. */
    public static List<EvalDoc> read(HarnessTask task, Path file) {
        return read(task, file, new ArrayList<>());
    }

    /** Every document of {@code file} in file order; {@code sources} gets each one's {@code file:line}. */
    private static List<EvalDoc> read(HarnessTask task, Path file, List<String> sources) {
        String name = task.harnessName();
        if (!Files.isRegularFile(file)) {
            throw new TaskFileException(name + ": " + file + ": " + dev.wafer.formats.fileio.FileKinds.whyNotAFile(file));
        }
        String text = utf8(name, file);
        List<Located> records = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                ? csv(name, file.toString(), text) : jsonLines(name, file.toString(), text);
        if (records.isEmpty()) {
            throw new TaskFileException(name + ": " + file + ": no records");
        }
        RecordReader reader = TaskRecords.of(task, task == HarnessTask.PIQA ? piqaLabels(file, records.size()) : null);
        List<EvalDoc> docs = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Located r = records.get(i);
            Fields fields = new Fields(name, file + ":" + r.line(), r.node());
            try {
                docs.add(reader.read(fields, i));
                sources.add(file + ":" + r.line());
            } catch (IllegalArgumentException e) {
                throw fields.error(e.getMessage());
            }
        }
        return docs;
    }

    /**
     * The file's text. A line that is not UTF-8 is refused as Wafer's own task files refuse it, by the same reader:
     * {@code TASK: FILE:LINE: not valid UTF-8 (byte N of the line)} (until 2026-12-07 "cannot read: Input length = 1").
     */
    private static String utf8(String task, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TaskFileException(task + ": " + file + ": cannot read: " + e.getMessage(), e);
        }
        StrictUtf8.Result decoded = new StrictUtf8().decode(bytes, 0, bytes.length);
        if (decoded.ok()) {
            return decoded.text();
        }
        try (StrictLineReader lines = new StrictLineReader(new ByteArrayInputStream(bytes), file.toString())) {
            while (lines.readLine() != null) {
                // reads to the line that is not UTF-8, which throws naming it
            }
        } catch (InvalidInputException e) {
            throw new TaskFileException(task + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail to read
        }
        // Both readers decode strictly; should they ever disagree, the file's offset still says where.
        throw new TaskFileException(task + ": " + file + ": not valid UTF-8 (byte " + (decoded.badOffset() + 1)
                + " of the file)");
    }

    /** A record and the line it starts on. */
    private record Located(int line, JsonNode node) {
    }

    private static List<Located> jsonLines(String task, String source, String text) {
        List<Located> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new TaskFileException(task + ": " + source + ":" + (i + 1) + ": not valid JSON: "
                        + dev.wafer.formats.tasks.JsonLineError.describe(e));
            }
            if (node == null || !node.isObject()) {
                throw new TaskFileException(task + ": " + source + ":" + (i + 1) + ": each line must be a JSON object");
            }
            dev.wafer.formats.tasks.UnpairedSurrogates.check(task + ": " + source + ":" + (i + 1), node);
            out.add(new Located(i + 1, node));
        }
        return out;
    }

    /** CSV rows as objects keyed by the header (CrowS-Pairs' first column, the pandas index, has an empty name). */
    private static List<Located> csv(String task, String source, String text) {
        List<CsvRecords.Row> rows = CsvRecords.parse(task + ": " + source, text);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.get(0).cells();
        List<Located> out = new ArrayList<>();
        for (CsvRecords.Row row : rows.subList(1, rows.size())) {
            if (row.cells().size() != header.size()) {
                throw new TaskFileException(task + ": " + source + ":" + row.line() + ": " + row.cells().size()
                        + " columns, the header has " + header.size());
            }
            ObjectNode node = MAPPER.createObjectNode();
            for (int c = 0; c < header.size(); c++) {
                node.put(header.get(c), row.cells().get(c));
            }
            out.add(new Located(row.line(), node));
        }
        return out;
    }

    /**
     * PIQA's labels: the release keeps them in {@code <name>-labels.lst} next to {@code <name>.jsonl}, one per line.
     * Null when there is no such file (the records must then carry {@code label}, as the HF export does).
     */
    private static List<Integer> piqaLabels(Path file, int records) {
        String base = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        Path labels = file.resolveSibling(base + "-labels.lst");
        if (!Files.isRegularFile(labels)) {
            return null;
        }
        List<String> lines = List.of(utf8("piqa", labels).split("\r?\n", -1));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.equals("0") && !l.equals("1")) {
                throw new TaskFileException("piqa: " + labels + ":" + (i + 1) + ": label must be 0 or 1, found '" + l + "'");
            }
            out.add(Integer.parseInt(l));
        }
        if (out.size() != records) {
            throw new TaskFileException("piqa: " + labels + ": " + out.size() + " labels but " + file + " has " + records
                    + " records");
        }
        return out;
    }
}
