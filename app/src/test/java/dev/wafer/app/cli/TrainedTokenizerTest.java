package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model reads ids as its training data's tokenizer made them: eval refuses a dataset tokenized otherwise (it
 * scored a bytes-trained model on GPT-2 ids, exit 0), and generate reads and writes text with the training data's
 * tokenizer (it used GPT-2 on a bytes-trained model).
 */
class TrainedTokenizerTest {
    @TempDir
    static Path tmp;
    static Path bytes;
    static Path gpt2;
    static Path model;

    @BeforeAll
    static void prepare() {
        bytes = tmp.resolve("dsb");
        gpt2 = tmp.resolve("dsg");
        model = tmp.resolve("run");
        ok("data", "prepare", "--out", bytes.toString(), "--seq", "32", "--tokenizer", "bytes", "--quiet");
        ok("data", "prepare", "--out", gpt2.toString(), "--seq", "32", "--quiet");
        ok("train", "--data", bytes.toString(), "--vocab", "257", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "32", "--batch", "2", "--steps", "1", "--out", model.toString());
    }

    private static void ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void evalRefusesADatasetTokenizedOtherwise() {
        CliRun run = CliRun.of("eval", "--checkpoint", model.toString(), "--data", gpt2.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --checkpoint " + model.resolve("checkpoint.wafer") + " was trained on " + bytes
                + ", tokenized with bytes-utf8, but --data " + gpt2 + " was tokenized with gpt2-r50k; evaluate it"
                + " against a dataset prepared with bytes-utf8", run.err().strip());
        CliRun same = CliRun.of("eval", "--checkpoint", model.toString(), "--data", bytes.toString());
        assertEquals(0, same.exitCode(), same.err());
    }

    @Test
    void generateUsesTheTrainingDatasTokenizer() {
        CliRun run = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "Hello", "--max-tokens",
                "4", "--temperature", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("[4 tokens") || run.err().contains("stopped: end-of-text"), run.err());
    }

    /**
     * eval read a text --data and --tasks with GPT-2 whatever the model was trained on: a bytes-trained model scored
     * GPT-2 ids (here they fall outside its 257-id vocabulary, exit 2). Text now goes through the model's bytes
     * tokenizer, and tasks (GPT-2 by construction) are refused for it.
     */
    @Test
    void evalReadsTextWithTheTrainingTokenizerAndRefusesTasks() throws java.io.IOException {
        Path text = java.nio.file.Files.writeString(tmp.resolve("text.txt"), "Hello, world. ".repeat(20));
        CliRun run = CliRun.of("eval", "--checkpoint", model.toString(), "--data", text.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        CliRun tasks = CliRun.of("eval", "--checkpoint", model.toString(), "--tasks", "builtin");
        assertEquals(2, tasks.exitCode(), tasks.err());
        assertEquals("wafer: --tasks: the model was trained on data tokenized with bytes-utf8 (" + bytes + ");"
                + " downstream tasks are scored with GPT-2's tokenizer, so give a model trained on GPT-2-tokenized"
                + " data", tasks.err().strip());
    }
}
