package dev.wafer.formats.tasks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wafer.domain.eval.CrowsPairsDoc;
import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.LambadaDoc;
import dev.wafer.domain.eval.MultipleChoiceDoc;
import dev.wafer.domain.eval.WinograndeDoc;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.formats.tasks.TaskFileException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-written records in each release schema and HF export; the expected documents follow the harness's
 * {@code _process_doc} (v0.3.0, lm_eval/tasks/*.py).
 */
class HarnessTaskFilesTest {
    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        try {
            return Path.of(HarnessTaskFilesTest.class.getResource("/harness/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<EvalDoc> read(HarnessTask task, String name) {
        return HarnessTaskFiles.read(task, fixture(name));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void hellaswagReleaseAndHfExportGiveTheSameDocument() {
        List<EvalDoc> release = read(HarnessTask.HELLASWAG, "hellaswag_val.jsonl");
        assertEquals(2, release.size());
        assertEquals(read(HarnessTask.HELLASWAG, "hellaswag_hf.jsonl").get(0), release.get(0));
        MultipleChoiceDoc tagged = (MultipleChoiceDoc) release.get(1);
        // hellaswag.py preprocess, derived by hand in HarnessTaskRequestsTest.
        assertEquals("Personal Care and Style: How to dye your hair. Wash your hair. use a clarifying shampoo.", tagged.text());
        assertEquals(List.of(" Rinse well. Then dry.", "Towel dry. Comb it.", "Dry it.", "Cut it."), tagged.choices());
        assertEquals(1, tagged.gold());
    }

    @Test
    void piqaTakesLabelsFromTheListFileNextToIt() {
        List<EvalDoc> docs = read(HarnessTask.PIQA, "valid.jsonl");
        assertEquals(new MultipleChoiceDoc("Question: When boiling butter, when it's ready, you can\nAnswer:",
                List.of("Pour it onto a plate", "Pour it into a jar"), 1), docs.get(0));
        assertEquals(1, ((MultipleChoiceDoc) docs.get(1)).gold());
        assertEquals(docs.get(0), read(HarnessTask.PIQA, "piqa_hf.jsonl").get(0));
    }

    @Test
    void piqaRefusesALabelListOfTheWrongLength() throws IOException {
        Path data = write("valid.jsonl", Files.readString(fixture("valid.jsonl")));
        write("valid-labels.lst", "1\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.PIQA, data));
        assertEquals("piqa: " + tmp.resolve("valid-labels.lst") + ": 1 labels but " + data + " has 2 records", e.getMessage());
    }

    @Test
    void anUnpairedSurrogateIsRefusedNamingTheFieldButAPairIsText() throws IOException {
        Path data = write("hs.jsonl", "{\"activity_label\": \"A\", \"ctx_a\": \"x \\ud800 y\", \"ctx_b\": \"b\","
                + " \"endings\": [\"a\", \"b\", \"c\", \"d\"], \"label\": \"0\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, data));
        assertEquals("hellaswag: " + data + ":1: field 'ctx_a' holds an unpaired surrogate \\ud800 at character 2, which"
                + " is not Unicode text (nothing to tokenise)", e.getMessage());
        Path ending = write("hs2.jsonl", "{\"activity_label\": \"A\", \"ctx_a\": \"x\", \"ctx_b\": \"b\","
                + " \"endings\": [\"a\", \"b\\udc00\", \"c\", \"d\"], \"label\": \"0\"}\n");
        e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, ending));
        assertEquals(true, e.getMessage().contains("field 'endings[1]' holds an unpaired surrogate \\udc00"), e.getMessage());
        Path pair = write("hs3.jsonl", "{\"activity_label\": \"A\", \"ctx_a\": \"x \\ud83d\\ude00\", \"ctx_b\": \"b\","
                + " \"endings\": [\"a\", \"b\", \"c\", \"d\"], \"label\": \"0\"}\n");
        assertEquals(1, HarnessTaskFiles.read(HarnessTask.HELLASWAG, pair).size());
    }

    @Test
    void aLabelIsReadAsPythonsIntReadsIt() throws IOException {
        Path data = write("hs-label.jsonl", "{\"activity_label\": \"A\", \"ctx_a\": \"x\", \"ctx_b\": \"b\","
                + " \"endings\": [\"a\", \"b\", \"c\", \"d\"], \"label\": \" \\u0662\\u00a0\"}\n");
        assertEquals(2, ((MultipleChoiceDoc) HarnessTaskFiles.read(HarnessTask.HELLASWAG, data).get(0)).gold());
        Path bad = write("hs-bad.jsonl", "{\"activity_label\": \"A\", \"ctx_a\": \"x\", \"ctx_b\": \"b\","
                + " \"endings\": [\"a\", \"b\", \"c\", \"d\"], \"label\": \"2.0\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, bad));
        assertEquals(true, e.getMessage().contains("field 'label' must be an integer"), e.getMessage());
    }

    /**
     * A task file or PIQA label list that is not UTF-8 is refused naming its line and byte, as Wafer's own task files
     * are (until 2026-12-07 "cannot read: Input length = 1").
     */
    @Test
    void bytesThatAreNotUtf8AreRefusedNamingTheLine() throws IOException {
        String hs = "{\"activity_label\": \"x\", \"ctx_a\": \"a\", \"ctx_b\": \"b\", \"endings\": [\"a\", \"b\", \"c\", \"d\"],"
                + " \"label\": 0}\n";
        byte[] first = hs.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(first, 2 * first.length);
        System.arraycopy(first, 0, bytes, first.length, first.length);
        bytes[first.length + 20] = (byte) 0xc3; // the 'x' of line 2: a lead byte without its continuation
        Path data = Files.write(tmp.resolve("hs.jsonl"), bytes);
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, data));
        assertEquals("hellaswag: " + data + ":2: not valid UTF-8 (byte 21 of the line)", e.getMessage());
        Path crows = Files.write(tmp.resolve("crows.csv"), new byte[] {',', 'a', '\n', '0', (byte) 0xff, '\n'});
        e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.CROWS_PAIRS_ENGLISH, crows));
        assertEquals("crows_pairs_english: " + crows + ":2: not valid UTF-8 (byte 2 of the line)", e.getMessage());
        Path piqa = write("valid.jsonl", Files.readString(fixture("valid.jsonl")));
        Path labels = Files.write(tmp.resolve("valid-labels.lst"), new byte[] {'1', '\n', (byte) 0xe2, '\n'});
        e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.PIQA, piqa));
        assertEquals("piqa: " + labels + ":2: not valid UTF-8 (byte 1 of the line)", e.getMessage());
    }

    /** A cut JSON line names file:line and Jackson's reason, without its "[Source: REDACTED ...]" location. */
    @Test
    void aCutJsonLineSaysWhyWithoutTheParsersSourceLocation() throws IOException {
        Path data = write("cut.jsonl", "{\"activity_label\": \"x\", \"ctx_a\": \"a\", \"endings\": [\"a\", \"b\"]");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, data));
        assertEquals("hellaswag: " + data + ":1: not valid JSON: Unexpected end-of-input: expected close marker for"
                + " Object (start marker at column 1)", e.getMessage());
    }

    @Test
    void piqaWithoutLabelsNamesTheField() throws IOException {
        Path data = write("train.jsonl", "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.PIQA, data));
        assertEquals("piqa: " + data + ":1: field 'label' must be an integer (missing)", e.getMessage());
    }

    @Test
    void winograndeDevFile() {
        List<EvalDoc> docs = read(HarnessTask.WINOGRANDE, "dev.jsonl");
        assertEquals(new WinograndeDoc("Sarah was a much better surgeon than Maria so _ always got the harder cases.",
                List.of("Sarah", "Maria"), 0), docs.get(0));
        assertEquals(1, ((WinograndeDoc) docs.get(1)).gold());
    }

    @Test
    void lambadaOpenAiFile() {
        List<EvalDoc> docs = read(HarnessTask.LAMBADA_OPENAI, "lambada_test.jsonl");
        assertEquals(" signs", docs.get(0).target());
        assertEquals(new LambadaDoc("\"Go away,\" she said to \"Bob.\""), docs.get(1));
    }

    @Test
    void arcReleaseFileNestsTheQuestionAndDigitKeysMapToLetters() {
        List<EvalDoc> docs = read(HarnessTask.ARC_EASY, "ARC-Easy-Test.jsonl");
        assertEquals("Question: Which statement best explains why photosynthesis is the foundation of most food webs?\nAnswer:",
                docs.get(0).text());
        assertEquals(0, ((MultipleChoiceDoc) docs.get(0)).gold());
        assertEquals(new MultipleChoiceDoc("Question: Which is a gas?\nAnswer:", List.of("ice", "water", "steam", "salt"), 2),
                docs.get(1));
        assertEquals(docs.get(1), read(HarnessTask.ARC_CHALLENGE, "arc_easy_hf.jsonl").get(0));
    }

    @Test
    void openbookqaReleaseAndHf() {
        MultipleChoiceDoc release = (MultipleChoiceDoc) read(HarnessTask.OPENBOOKQA, "openbookqa_test.jsonl").get(0);
        assertEquals("A person wants to start saving money so that they can afford a nice vacation at the end of the year."
                + " After looking over their budget and expenses, they decide the best way to save money is to", release.text());
        assertEquals(" quit eating lunch out", release.target());
        MultipleChoiceDoc hf = (MultipleChoiceDoc) read(HarnessTask.OPENBOOKQA, "openbookqa.jsonl").get(0);
        assertEquals("The sun is responsible for", hf.text());
        assertEquals(3, hf.gold());
    }

    @Test
    void crowsPairsCsvWithQuotedCommasLineBreaksAndDoubledQuotes() {
        List<EvalDoc> docs = read(HarnessTask.CROWS_PAIRS_ENGLISH, "crows_pairs_anonymized.csv");
        assertEquals(3, docs.size());
        assertEquals("race-color", ((CrowsPairsDoc) docs.get(0)).biasType());
        assertEquals(new CrowsPairsDoc("The poor are really ignorant about how to handle the money they do have.",
                "The rich are really ignorant about how to handle the money they do have.", "socioeconomic"), docs.get(1));
        assertEquals(new CrowsPairsDoc("He said \"no\" to the old man,\nthen left.", "He said \"no\" to the young man,\nthen left.",
                "age"), docs.get(2));
        assertEquals(docs.get(1), read(HarnessTask.CROWS_PAIRS_ENGLISH, "crows_pairs_hf.jsonl").get(0));
    }

    @Test
    void crowsPairsCsvRowOfTheWrongWidthNamesItsLine() throws IOException {
        Path f = write("c.csv", ",sent_more,sent_less,bias_type\n0,a,b,age\n1,a,b\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.CROWS_PAIRS_ENGLISH, f));
        assertEquals("crows_pairs_english: " + f + ":3: 3 columns, the header has 4", e.getMessage());
    }

    @Test
    void aFileOfAnotherTaskIsRefusedNamingTaskFileLineAndField() {
        Path f = fixture("dev.jsonl");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.HELLASWAG, f));
        assertEquals("hellaswag: " + f + ":1: field 'activity_label' must be a string (missing)", e.getMessage());
        Path arc = fixture("ARC-Easy-Test.jsonl");
        e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.OPENBOOKQA, arc));
        // The release ARC file fits OpenBookQA's nesting except for its answer key of "3" on line 2.
        assertEquals("openbookqa: " + arc + ":2: answerKey '3' is none of A-D", e.getMessage());
    }

    @Test
    void nestedFieldErrorsNameTheirPath() throws IOException {
        Path f = write("ARC-Easy-Test.jsonl", "{\"question\": {\"stem\": \"q\", \"choices\": [{\"label\": \"A\"}]}, \"answerKey\": \"A\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.ARC_EASY, f));
        assertEquals("arc_easy: " + f + ":1: field 'question.choices' every element needs a string 'text', found {\"label\":\"A\"}",
                e.getMessage());
    }

    @Test
    void winograndeAnswerOutsideOneAndTwoAndBadJson() throws IOException {
        Path f = write("dev.jsonl", "\n{\"sentence\": \"a _ b\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"3\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.WINOGRANDE, f));
        assertEquals("winogrande: " + f + ":2: answer '3' is neither \"1\" nor \"2\"", e.getMessage());
        Path g = write("bad.jsonl", "{\"text\": \"a b\"}\n{oops\n");
        e = assertThrows(TaskFileException.class, () -> HarnessTaskFiles.read(HarnessTask.LAMBADA_OPENAI, g));
        assertEquals(true, e.getMessage().startsWith("lambada_openai: " + g + ":2: not valid JSON"), e.getMessage());
    }

    /** Python's json.loads (the harness) refuses content after a line's object; so does the reader, naming the line. */
    @Test
    void contentAfterARecordIsMalformed() throws IOException {
        for (String tail : new String[] {" trailing garbage", "{\"x\": 1}", "]"}) {
            Path f = write("tail.jsonl", "{\"text\": \"a b\"}\n{\"text\": \"c d\"}" + tail + "\n");
            TaskFileException e = assertThrows(TaskFileException.class,
                    () -> HarnessTaskFiles.read(HarnessTask.LAMBADA_OPENAI, f), tail);
            assertEquals(true, e.getMessage().startsWith("lambada_openai: " + f + ":2: not valid JSON"), e.getMessage());
        }
    }

    @Test
    void taskTakesFewShotExamplesFromTheTrainingFile() {
        EvalTask t = HarnessTaskFiles.task(HarnessTask.WINOGRANDE, fixture("dev.jsonl"), fixture("dev.jsonl"));
        assertEquals("winogrande", t.name());
        assertEquals(2, t.trainDocs().size());
        assertEquals(0, HarnessTaskFiles.task(HarnessTask.WINOGRANDE, fixture("dev.jsonl"), null).trainDocs().size());
    }
}
