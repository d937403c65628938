package dev.wafer.formats.tasks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wafer.domain.eval.EvalTask;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.formats.tasks.TaskFileException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding each task's files in a data directory: own name first, then the task's subdirectory, then the release name. */
class HarnessDataDirTest {
    @TempDir
    Path tmp;

    @Test
    void theFixtureDirectoryHoldsAllSevenPaperTasksAndCrowsPairs() throws URISyntaxException {
        Path dir = Path.of(HarnessDataDirTest.class.getResource("/harness/dev.jsonl").toURI()).getParent();
        for (HarnessTask t : HarnessTask.values()) {
            EvalTask task = HarnessDataDir.task(t, dir, false);
            assertEquals(t.harnessName(), task.name());
            assertEquals(t.type(), task.type());
        }
        // openbookqa.jsonl (the task's own name) wins over nothing else; the ARC release files are found by name.
        assertEquals("The sun is responsible for", HarnessDataDir.task(HarnessTask.OPENBOOKQA, dir, false).docs().get(0).text());
        assertEquals(2, HarnessDataDir.task(HarnessTask.ARC_EASY, dir, false).docs().size());
    }

    @Test
    void ownNameBeatsTheSubdirectoryWhichBeatsTheReleaseName() throws IOException {
        Files.writeString(tmp.resolve("lambada_test.jsonl"), "{\"text\": \"release file\"}\n");
        Files.createDirectory(tmp.resolve("lambada_openai"));
        Files.writeString(tmp.resolve("lambada_openai/lambada_test.jsonl"), "{\"text\": \"sub directory\"}\n");
        assertEquals(" directory", HarnessDataDir.task(HarnessTask.LAMBADA_OPENAI, tmp, false).docs().get(0).target());
        Files.writeString(tmp.resolve("lambada_openai.jsonl"), "{\"text\": \"own name\"}\n");
        assertEquals(" name", HarnessDataDir.task(HarnessTask.LAMBADA_OPENAI, tmp, false).docs().get(0).target());
    }

    @Test
    void fewShotNeedsTheTrainingFileAndSaysWhereItLooked() throws IOException {
        Files.writeString(tmp.resolve("dev.jsonl"), "{\"sentence\": \"a _ b\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"1\"}\n");
        TaskFileException e = assertThrows(TaskFileException.class, () -> HarnessDataDir.task(HarnessTask.WINOGRANDE, tmp, true));
        assertEquals("winogrande: " + tmp + ": no file for its training split (few-shot examples); looked for"
                + " winogrande_train.jsonl, winogrande/train_xl.jsonl, train_xl.jsonl", e.getMessage());
        Files.writeString(tmp.resolve("train_xl.jsonl"), "{\"sentence\": \"c _ d\", \"option1\": \"x\", \"option2\": \"y\", \"answer\": \"2\"}\n");
        assertEquals(1, HarnessDataDir.task(HarnessTask.WINOGRANDE, tmp, true).trainDocs().size());
    }
}
