package dev.wafer.formats.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.FewShotContexts;
import dev.wafer.domain.eval.LambadaDoc;
import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.TaskType;
import dev.wafer.domain.eval.WinograndeDoc;

class TaskJsonlReaderTest {
    private static List<EvalTask> parse(String text) {
        return TaskJsonlReader.read("t.jsonl", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheShippedExampleTasks() throws URISyntaxException {
        Path dir = Path.of(TaskJsonlReader.class.getResource("/tasks/toy-qa.jsonl").toURI()).getParent();
        List<EvalTask> tasks = TaskJsonlReader.read(dir);
        assertEquals(List.of("toy_lambada", "toy_qa", "toy_science", "toy_winogrande"), tasks.stream().map(EvalTask::name).toList());
        assertEquals(List.of(TaskType.LAMBADA, TaskType.MULTIPLE_CHOICE, TaskType.MULTIPLE_CHOICE, TaskType.WINOGRANDE),
                tasks.stream().map(EvalTask::type).toList());
        for (EvalTask t : tasks) {
            assertTrue(t.docs().size() >= 5, t.name());
            // Every shipped task supports 3-shot contexts.
            new FewShotContexts(3, 1).context(t, 0);
        }
        EvalTask science = tasks.get(2);
        assertEquals("The following are questions about everyday science.", science.description());
        assertEquals(4, ((MultipleChoiceDoc) science.docs().get(0)).choices().size());
        WinograndeDoc glass = (WinograndeDoc) tasks.get(3).docs().get(0);
        assertEquals("the carpet", glass.options().get(1));
        assertEquals(" was soft.", glass.partialTarget());
        assertEquals(" fire", ((LambadaDoc) tasks.get(0).docs().get(0)).target());
    }

    @Test
    void groupsLinesByTaskInFileOrder() {
        List<EvalTask> tasks = parse("""
                {"task": "b", "type": "lambada", "text": "one two"}
                {"task": "a", "type": "winogrande", "sentence": "x _ y", "choices": ["p", "q"], "gold": 1}

                {"task": "b", "type": "lambada", "text": "three four", "description": "d"}
                """);
        assertEquals(2, tasks.size());
        assertEquals("b", tasks.get(0).name());
        assertEquals(2, tasks.get(0).docs().size());
        assertEquals("d", tasks.get(0).description());
        assertEquals(new WinograndeDoc("x _ y", List.of("p", "q"), 1), tasks.get(1).docs().get(0));
    }

    @Test
    void invalidUtf8IsRefusedNamingTheLineNotReplaced() {
        byte[] bytes = ("{\"task\": \"b\", \"type\": \"lambada\", \"text\": \"one two\"}\n"
                + "{\"task\": \"b\", \"type\": \"lambada\", \"text\": \"three fXur\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 5] = (byte) 0xe9; // Latin-1 'é': once scored as U+FFFD
        TaskFileException e = assertThrows(TaskFileException.class,
                () -> TaskJsonlReader.read("t.jsonl", new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().startsWith("t.jsonl:2: not valid UTF-8"), e.getMessage());
    }

    @Test
    void errorsNameTheLineAndTheField() {
        assertError("{\"task\": \"a\", \"type\": \"multiple_choice\", \"context\": \"q\", \"choice\": [\"x\", \"y\"], \"gold\": 0}",
                "t.jsonl:1: unknown field 'choice' for type multiple_choice");
        assertError("{\"task\": \"a\", \"type\": \"mc\"}", "t.jsonl:1: field 'type' is 'mc'");
        assertError("\n{\"task\": \"a\", \"type\": \"multiple_choice\", \"context\": \"q\", \"choices\": [\"x\", \"y\"], \"gold\": 2}",
                "t.jsonl:2: gold 2 is not an index of the 2 choices");
        assertError("{\"task\": \"a\", \"type\": \"multiple_choice\", \"context\": \"q\", \"choices\": [\"x\", \"y\"], \"gold\": \"0\"}",
                "field 'gold' must be an integer");
        assertError("{\"task\": \"a\", \"type\": \"winogrande\", \"sentence\": \"no blank\", \"choices\": [\"x\", \"y\"], \"gold\": 0}",
                "needs a '_' blank");
        assertError("{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"one two\"}\n{\"task\": \"a\", \"type\": \"winogrande\"}",
                "t.jsonl:2: task 'a' was lambada on earlier lines, now winogrande");
        assertError("{\"task\": \"a\", \"type\": \"lambada\"", "t.jsonl:1: not valid JSON");
        assertError("{\"type\": \"lambada\", \"text\": \"a b\"}", "field 'task' must be a string (missing)");
        assertError("", "no task documents found");
    }

    @Test
    void trainLinesBecomeTrainingDocumentsInTheirOwnList(@TempDir Path dir) throws IOException {
        List<EvalTask> tasks = parse("""
                {"task": "a", "type": "lambada", "text": "one two"}
                {"task": "a", "type": "lambada", "text": "five six", "train": true}
                {"task": "a", "type": "lambada", "text": "three four", "train": false}
                """);
        assertEquals(List.of(new LambadaDoc("one two"), new LambadaDoc("three four")), tasks.get(0).docs());
        assertEquals(List.of(new LambadaDoc("five six")), tasks.get(0).trainDocs());
        // A sibling file read in the same run can carry the training lines.
        Files.writeString(dir.resolve("a.jsonl"), "{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"a b\"}\n");
        Files.writeString(dir.resolve("a.train.jsonl"), "{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"c d\", \"train\": true}\n");
        EvalTask read = TaskJsonlReader.read(dir).get(0);
        assertEquals(List.of(new LambadaDoc("a b")), read.docs());
        assertEquals(List.of(new LambadaDoc("c d")), read.trainDocs());
        assertError("{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"a b\", \"train\": \"yes\"}",
                "t.jsonl:1: field 'train' must be true or false");
        assertError("{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"a b\", \"train\": true}",
                "task 'a' has only \"train\": true lines");
    }

    /** Content after a line's object and a key given twice are malformed lines, named by file and line. */
    @Test
    void contentAfterTheObjectAndRepeatedKeysAreMalformed() {
        String ok = "{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"one two\"}";
        for (String tail : new String[] {" trailing garbage", "{\"x\": 1}", "]"}) {
            assertError(ok + "\n" + ok + tail, "t.jsonl:2: not valid JSON");
        }
        assertError("{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"one two\", \"text\": \"x y\"}",
                "t.jsonl:1: not valid JSON");
    }

    /**
     * Files given together are read as one directory: a task's training lines in a second file join its documents;
     * a file given twice (itself or through its directory) is refused, since its documents would count twice.
     */
    @Test
    void filesGivenTogetherGroupByTaskAndNoFileIsReadTwice(@TempDir Path dir) throws IOException {
        Path docs = Files.writeString(dir.resolve("a.jsonl"), "{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"a b\"}\n");
        Path train = Files.writeString(dir.resolve("a.train.jsonl"),
                "{\"task\": \"a\", \"type\": \"lambada\", \"text\": \"c d\", \"train\": true}\n");
        List<EvalTask> read = TaskJsonlReader.read(List.of(docs, train));
        assertEquals(1, read.size());
        assertEquals(List.of(new LambadaDoc("a b")), read.get(0).docs());
        assertEquals(List.of(new LambadaDoc("c d")), read.get(0).trainDocs());
        TaskFileException twice = assertThrows(TaskFileException.class, () -> TaskJsonlReader.read(List.of(docs, docs)));
        assertTrue(twice.getMessage().contains("a.jsonl is given twice"), twice.getMessage());
        TaskFileException viaDir = assertThrows(TaskFileException.class, () -> TaskJsonlReader.read(List.of(dir.resolve("."), docs)));
        assertTrue(viaDir.getMessage().contains("given twice (also as "), viaDir.getMessage());
    }

    @Test
    void missingPathsAndEmptyDirectoriesAreReported(@TempDir Path dir) throws IOException {
        TaskFileException missing = assertThrows(TaskFileException.class, () -> TaskJsonlReader.read(dir.resolve("nope.jsonl")));
        assertTrue(missing.getMessage().contains("no such file or directory"), missing.getMessage());
        TaskFileException empty = assertThrows(TaskFileException.class, () -> TaskJsonlReader.read(dir));
        assertTrue(empty.getMessage().contains("no .jsonl task files"), empty.getMessage());
        Files.writeString(dir.resolve("x.jsonl"), "{\"task\": \"t\", \"type\": \"lambada\", \"text\": \"a b\"}\n");
        assertEquals(1, TaskJsonlReader.read(dir).size());
    }

    @Test
    void readsCrowsPairsLines() {
        List<EvalTask> tasks = parse("""
                {"task": "bias", "type": "crows_pairs", "sent_more": "A b.", "sent_less": "C d.", "bias_type": "age"}
                """);
        assertEquals(List.of(new dev.wafer.domain.eval.CrowsPairsDoc("A b.", "C d.", "age")), tasks.get(0).docs());
        assertError("{\"task\": \"bias\", \"type\": \"crows_pairs\", \"sent_more\": \"A\", \"sent_less\": \"B\"}",
                "t.jsonl:1: field 'bias_type' must be a string (missing)");
    }

    /** A cut line: the reason, without Jackson's "[Source: REDACTED ...]" location (until 2026-12-07). */
    @Test
    void aCutLineSaysWhyWithoutTheParsersSourceLocation() {
        TaskFileException e = assertThrows(TaskFileException.class,
                () -> parse("{\"task\": \"a\", \"type\": \"lambada\""));
        assertTrue(e.getMessage().endsWith("t.jsonl:1: not valid JSON: Unexpected end-of-input: expected close marker"
                + " for Object (start marker at column 1)"), e.getMessage());
    }

    private static void assertError(String text, String expected) {
        TaskFileException e = assertThrows(TaskFileException.class, () -> parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
