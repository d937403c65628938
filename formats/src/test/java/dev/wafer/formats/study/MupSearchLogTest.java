package dev.wafer.formats.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.MupSearchSpace;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.formats.input.InvalidInputException;

/**
 * {@link MupSearchLog} read back: each line is held to what the log writes, a rerun with other settings is refused
 * naming the flag, and lines of older builds are refused where their samples were trained or scored otherwise than a
 * sample is now. Lines of older builds are written by hand, with the fields those builds wrote.
 */
class MupSearchLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 1;
    private static final String DATA = "bytes16 (test)";

    @TempDir
    Path dir;

    private static MupSearch.Settings settings(int batch, int seq, int eval, long tokens) {
        return new MupSearch.Settings("mup-proxy-64", 64, 2, 32, 3, tokens, StudyTraining.of(seq, batch, eval, SEED));
    }

    private MupSearchLog log(MupSearch.Settings s) {
        return MupSearchLog.in(dir, s, DATA, "fp1", "fp1"::equals, "cpu");
    }

    private MupSearchLog written(MupSearch.Settings s) {
        MupSearchLog log = log(s);
        List<MupHyperparameters> triples = MupSearchSpace.samples(SEED, 2);
        log.append(new MupSearch.Sample(0, triples.get(0), 2.5, false));
        log.append(new MupSearch.Sample(1, triples.get(1), Double.NaN, true));
        return log;
    }

    private Path file() {
        return dir.resolve(MupSearchLog.FILE_NAME);
    }

    private ObjectNode line(int i) throws IOException {
        return (ObjectNode) JSON.readTree(Files.readAllLines(file()).get(i));
    }

    private void replaceLine(int i, ObjectNode n) throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file()));
        lines.set(i, JSON.writeValueAsString(n));
        Files.write(file(), lines);
    }

    private String refusal(MupSearchLog log) {
        return assertThrows(InvalidInputException.class, log::finished).getMessage();
    }

    /**
     * Bug: reading a log drew all --samples triples first, so a rerun with --samples 2147483647 on an existing log
     * hung for minutes before its first sample; now only as far as the file's indices reach. The timeout guards the
     * hang (it is no measure of speed: the fixed read draws two triples).
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aRerunWithAHugeSampleCountReadsTheLogWithoutDrawingEverySample() {
        written(settings(8, 64, 16, 2048));
        MupSearch.Settings huge = new MupSearch.Settings("mup-proxy-64", 64, 2, 32, Integer.MAX_VALUE, 2048,
                StudyTraining.of(64, 8, 16, SEED));
        List<MupSearch.Sample> finished = log(huge).finished();
        assertEquals(2, finished.size());
        assertEquals(MupSearchSpace.samples(SEED, 1).get(0), finished.get(0).triple());
    }

    /** Bug: the refusal showed both triples rounded to 4 digits (identical) and named no field. */
    @Test
    void anEditedTripleIsRefusedNamingTheFieldWithBothValuesInFull() throws IOException {
        MupSearchLog log = written(settings(8, 64, 16, 2048));
        ObjectNode n = line(0);
        double drawn = n.get("m_emb").asDouble();
        double edited = drawn * 1.0000001;
        n.put("m_emb", edited);
        replaceLine(0, n);
        assertEquals(file() + ":1: field 'm_emb' of sample 0 is " + edited + ", but seed 1 draws " + drawn
                + " there; the file was edited: remove the line to train the sample again", refusal(log));
    }

    /** Bug: a negative loss was accepted and reported best, and a diverged sample with a finite loss accepted. */
    @Test
    void aLossTheLogNeverWritesIsRefusedNamingLineAndField() throws IOException {
        MupSearchLog log = written(settings(8, 64, 16, 2048));
        assertEquals(2, log.finished().size(), "what the log writes reads back, a diverged sample included");
        ObjectNode n = line(0);
        n.put("loss", -3.0);
        replaceLine(0, n);
        assertEquals(file() + ":1: field 'loss' must not be negative (a cross-entropy is at least 0), found -3.0",
                refusal(log));

        Files.delete(file());
        log = written(settings(8, 64, 16, 2048));
        ObjectNode d = line(1);
        d.put("loss", 2.5);
        replaceLine(1, d);
        assertEquals(file() + ":2: field 'loss' must be null with \"diverged\":true (a diverged sample has no loss),"
                + " found 2.5", refusal(log));
    }

    /** Bug: another --batch at the same budget was refused naming the steps it gives, not --batch. */
    @Test
    void aRerunWithOtherSettingsIsRefusedNamingTheFlag() {
        written(settings(8, 64, 16, 2048));
        assertEquals("--out " + dir + " holds a search with --batch 8 (batch_sequences), not 16; give another --out"
                + " or the same settings", refusal(log(settings(16, 64, 16, 2048))));
        assertEquals("--out " + dir + " holds a search with --seq 64 (seq_length), not 32; give another --out or the"
                + " same settings", refusal(log(settings(8, 32, 16, 2048))));
        assertEquals("--out " + dir + " holds a search with steps 4 per sample (--budget-tokens 2048 at this --batch"
                + " and --seq), not 2; give another --out or the same settings",
                refusal(log(settings(8, 64, 16, 1024))));
        assertEquals(2, log(settings(8, 64, 16, 2048)).finished().size());
    }

    /** A line as builds before 2026-12-07 wrote it: no eval_sequences, eval_scoring, warmup_steps, fingerprint. */
    private void oldLine(int batch, int seq, long steps) throws IOException {
        MupHyperparameters t = MupSearchSpace.samples(SEED, 1).get(0);
        ObjectNode n = JSON.createObjectNode().put("proxy", "mup-proxy-64").put("seed", SEED).put("steps", steps)
                .put("batch_sequences", batch).put("seq_length", seq).put("data", DATA).put("index", 0)
                .put("eta_base", t.baseLearningRate()).put("sigma_base", t.initStd())
                .put("m_emb", t.embeddingMultiplier()).put("loss", 2.5).put("diverged", false);
        Files.writeString(file(), JSON.writeValueAsString(n) + "\n");
    }

    /** Bug: a line without eval_sequences passed the whole-batches check (read as 0) and was reused. */
    @Test
    void anOldLineWithoutItsEvalCountMatchesOnlyAMultipleOfTheBatch() throws IOException {
        oldLine(4, 32, 5);
        assertEquals(file() + ":1: this sample was scored before 2026-12-07 on a whole number of batches of 4"
                + " held-out sequences (the line records no eval_sequences), not on 6; give another --out to search"
                + " again", refusal(log(settings(4, 32, 6, 640))));
        assertEquals(1, log(settings(4, 32, 8, 640)).finished().size(), "8 is whole batches of 4");
    }

    /** Bug: lines of 2-4 steps trained with no warm-up step before 2026-12-07, one now, and were reused. */
    @Test
    void anOldLineOfTwoToFourStepsTrainedWithAnotherWarmupIsRefused() throws IOException {
        oldLine(4, 32, 2);
        assertEquals(file() + ":1: this sample trained its 2 steps with 0 warm-up steps (the rule before 2026-12-07),"
                + " where a sample now warms up over 1; its loss is not comparable: give another --out to search"
                + " again", refusal(log(settings(4, 32, 8, 256))));
        oldLine(4, 32, 5);
        assertEquals(1, log(settings(4, 32, 8, 640)).finished().size(), "5 steps warmed up over 1 then and now");

        // Lines that record how they were scored were written after the warm-up changed: accepted as they are.
        Files.delete(file());
        written(settings(4, 32, 8, 256));
        assertEquals(1, line(0).get("warmup_steps").asLong(), "each line records its warm-up");
        ObjectNode n = line(0);
        n.remove("warmup_steps");
        replaceLine(0, n);
        assertEquals(2, log(settings(4, 32, 8, 256)).finished().size());
        n.put("warmup_steps", 0);
        replaceLine(0, n);
        assertTrue(refusal(log(settings(4, 32, 8, 256))).contains("holds a search with warmup_steps 0, not 1"));
    }
}
