package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.eval.PackedTestSetLoss;
import dev.wafer.domain.eval.WindowLossScorer;
import dev.wafer.formats.tokens.MappedTokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token stream scored a stretch at a time (eval no longer holds a token file or test split whole) gives the
 * totals, bit for bit, that one pass over the whole array gave, for stretches of any size, odd windows and stream
 * lengths that are no multiple of the window.
 */
class TestLossStretchesTest {
    @TempDir
    Path tmp;

    /** A scorer whose sum depends on every token and its place, so a token read wrong changes it. */
    private static final WindowLossScorer SCORER = w -> {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (1 + Math.sin(w[i] * 0.37 + i)) / 3.0; // >= 0, as nats are
        }
        return s;
    };

    @Test
    void stretchesScoreAsOnePassOverTheWholeStream() throws IOException {
        Random r = new Random(3);
        int[] ids = new int[10_007];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(1 << 16);
        }
        ByteBuffer b = ByteBuffer.allocate(2 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            b.putShort((short) id);
        }
        EvalTokens file = EvalTokens.of(MappedTokenFile.open(Files.write(tmp.resolve("t.bin"), b.array())));
        EvalTokens memory = EvalTokens.of(ids);
        for (int window : new int[] {1, 7, 32, 333}) {
            PackedTestSetLoss loss = new PackedTestSetLoss(window, false);
            long windows = loss.windowCount(ids.length);
            CrossEntropyTotals whole = loss.evaluate(ids, SCORER, CrossEntropyTotals.ZERO); // the reading replaced
            for (int stretch : new int[] {1, window, 3 * window + 5, 4_000, TestLossStretches.STRETCH_TOKENS}) {
                assertEquals(whole, TestLossStretches.score(file, window, windows, SCORER, stretch),
                        "window " + window + ", stretch " + stretch);
                assertEquals(whole, TestLossStretches.score(memory, window, windows, SCORER, stretch));
            }
            int[] head = java.util.Arrays.copyOf(ids, 2 * window + 1); // --max-windows 2 copied the stream's head
            assertEquals(loss.evaluate(head, SCORER, CrossEntropyTotals.ZERO),
                    TestLossStretches.score(file, window, 2, SCORER, 5));
        }
    }
}
