package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json the tokenizers library loads but cannot encode with (its unk_token missing from its vocabulary)
 * crashed data prepare on the first unknown word (internal error, exit 70); an empty one was "valid JSON but not a
 * tokenizer.json"; a directory or FIFO named as an input file was "no such file". Each is one line, exit 2.
 */
class TokenizerFileRefusalsTest {
    @TempDir
    Path tmp;

    private static String wordLevel(String unk) {
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"" + unk + "\", \"vocab\": {\"[UNK]\": 0,"
                + " \"<|endoftext|>\": 1, \"the\": 2, \"cat\": 3, \"sat\": 4}}}";
    }

    /** A character-level BPE without merges whose unk_token is not in its vocabulary: it fails on an unknown char. */
    private static String bpe() {
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"BPE\", \"dropout\": null, \"unk_token\": \"<unk>\","
                + " \"continuing_subword_prefix\": null, \"end_of_word_suffix\": null, \"fuse_unk\": false,"
                + " \"byte_fallback\": false, \"vocab\": {\"<|endoftext|>\": 0, \"a\": 1, \"b\": 2}, \"merges\": []}}";
    }

    private CliRun prepare(Path tokenizer) throws IOException {
        Path input = Files.writeString(tmp.resolve("corpus.jsonl"),
                "{\"text\": \"the cat sat on the mat\"}\n".repeat(20) + "{\"text\": \"ab ba zz\"}\n");
        return CliRun.of("data", "prepare", "--input", input.toString(), "--out", tmp.resolve("ds").toString(),
                "--seq", "4", "--tokenizer", tokenizer.toString(), "--split", "1,0,0", "--quiet");
    }

    private static void refused(CliRun run, String... parts) {
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        for (String p : parts) {
            assertTrue(run.err().contains(p), run.err());
        }
    }

    @Test
    void anUnknownTokenMissingFromTheVocabularyIsRefusedAtLoad() throws IOException {
        Path tok = Files.writeString(tmp.resolve("tokenizer.json"), wordLevel("<nope>"));
        refused(prepare(tok), "--tokenizer " + tok + ": model.unk_token \"<nope>\" is not in model.vocab");
    }

    @Test
    void aTokenizerThatFailsToEncodeIsNamedNotAnInternalError() throws IOException {
        Path tok = Files.writeString(tmp.resolve("tokenizer.json"), bpe());
        refused(prepare(tok), "--tokenizer " + tok + ": the tokenizer cannot encode the text: ");
    }

    @Test
    void emptyDirectoryAndFifoTokenizersSayWhatTheyAre() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.json"), "");
        refused(prepare(empty), "--tokenizer " + empty + " is empty (0 bytes)");
        Path dir = Files.createDirectory(tmp.resolve("dir.json"));
        refused(prepare(dir), "--tokenizer " + dir + " is a directory");
        Path fifo = tmp.resolve("fifo.json");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        refused(prepare(fifo), "--tokenizer " + fifo + " is a FIFO, not a regular file");
    }

    @Test
    void aDirectoryGivenAsATaskFileSaysSo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("hellaswag.jsonl"));
        Path model = tmp.resolve("tiny.wafer");
        assertEquals(0, CliRun.of("import-hf", "--from", NonRegularFilesTest.hf().toString(), "--out",
                model.toString()).exitCode());
        refused(CliRun.of("eval", "--checkpoint", model.toString(), "--task", "hellaswag",
                "--data", dir.toString()), dir + ": is a directory, not a file");
        Path fifo = tmp.resolve("tokens.bin");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        refused(CliRun.of("train", "--data", fifo.toString(), "--vocab", "50257", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--batch", "4", "--steps", "2"), "--data " + fifo
                + ": is a FIFO, not a regular file");
    }
}
