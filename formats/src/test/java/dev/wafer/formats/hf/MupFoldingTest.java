package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MupFoldingTest {
    private static final long SEED = 4242L;
    private static final int[] TOKENS = {3, 0, 12, 7, 7, 1};

    @Test
    void foldedModelRunAsPlainGpt2GivesTheMupLogits() {
        for (boolean tied : new boolean[] {true, false}) {
            for (boolean qkByD : new boolean[] {true, false}) {
                MupMultipliers mup = new MupMultipliers(1 / 3.0, 10, 2.0, qkByD);
                Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(tied, mup), SEED);
                Gpt2Checkpoint folded = MupFolding.fold(model);
                assertNull(folded.config().mup());
                assertFalse(folded.config().tieWordEmbeddings());
                double[][] expected = ReferenceGpt2.logits(model, TOKENS);
                double[][] actual = ReferenceGpt2.logits(folded, TOKENS);
                String where = "seed=" + SEED + " tied=" + tied + " qkByD=" + qkByD;
                for (int p = 0; p < TOKENS.length; p++) {
                    for (int v = 0; v < expected[p].length; v++) {
                        assertEquals(expected[p][v], actual[p][v], 1e-4 * (1 + Math.abs(expected[p][v])), where + " pos " + p + " vocab " + v);
                    }
                }
                // A wrong fold would show: the muP model run as SP differs.
                Gpt2Checkpoint ignored = new Gpt2Checkpoint(model.config().withMup(null, tied), model.tensors());
                assertTrue(Math.abs(ReferenceGpt2.logits(ignored, TOKENS)[5][0] - expected[5][0]) > 1e-2, where);
            }
        }
    }

    @Test
    void onlyTheKeyThirdOfCAttnIsScaled() {
        MupMultipliers mup = new MupMultipliers(0.5, 10, 1, true);
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, mup), SEED);
        Gpt2Checkpoint folded = MupFolding.fold(model);
        int d = 8;
        float keyScale = (float) (1 / Math.sqrt(4)); // d_head = 8 / 2 heads
        for (String part : new String[] {"weight", "bias"}) {
            float[] before = model.tensor("transformer.h.1.attn.c_attn." + part).data();
            float[] after = folded.tensor("transformer.h.1.attn.c_attn." + part).data();
            for (int i = 0; i < before.length; i++) {
                int column = i % (3 * d);
                float factor = column >= d && column < 2 * d ? keyScale : 1f;
                assertEquals(before[i] * factor, after[i], 0f, part + "[" + i + "] column " + column);
            }
        }
        assertEquals(model.tensor(Gpt2Layout.WTE).data()[5] * 10f, folded.tensor(Gpt2Layout.WTE).data()[5], 0f);
        assertEquals(model.tensor(Gpt2Layout.WPE).data()[5] * 10f, folded.tensor(Gpt2Layout.WPE).data()[5], 0f);
        assertEquals(model.tensor(Gpt2Layout.WTE).data()[5] * 0.5f, folded.tensor(Gpt2Layout.LM_HEAD).data()[5], 0f);
        assertEquals(model.tensor("transformer.h.0.attn.c_proj.weight"), folded.tensor("transformer.h.0.attn.c_proj.weight"));
    }

    @Test
    void standardModelsAreReturnedUnchanged() {
        Gpt2Checkpoint sp = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        assertSame(sp, MupFolding.fold(sp));
    }

    @Test
    void foldedModelExportsAndReadsBack(@TempDir Path dir) {
        Gpt2Checkpoint folded = MupFolding.fold(TinyGpt2.random(TinyGpt2.config(true, new MupMultipliers(0.25, 10, 1, true)), SEED));
        Gpt2HfDirectory.write(dir, folded);
        assertEquals(folded, Gpt2HfDirectory.read(dir));
    }
}
