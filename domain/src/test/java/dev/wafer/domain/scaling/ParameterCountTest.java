package dev.wafer.domain.scaling;

import dev.wafer.domain.model.ModelShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParameterCountTest {

    /** Appendix E's code, transcribed literally (it assumes d_ffn = 4 d_model), as an independent reference. */
    private static long appendixE(long vocab, long d, long layers, long seq) {
        long embedding = vocab * d + d * seq;
        long ln1 = 2 * d;
        long attn = 4 * (d * d + d);
        long ln2 = 2 * d;
        long ffn = 8 * d * d + 5 * d;
        long encoder = layers * (ln1 + attn + ln2 + ffn);
        long finalLn = 2 * d;
        return embedding + encoder + finalLn;
    }

    @Test
    void reproducesTheExactCountsOfEveryCerebrasGptModel() {
        assertEquals(111_050_496L, ParameterCount.total(ModelShape.gpt(768, 10, 64)));
        assertEquals(255_977_024L, ParameterCount.total(ModelShape.gpt(1088, 14, 64)));
        assertEquals(590_310_912L, ParameterCount.total(ModelShape.gpt(1536, 18, 128)));
        assertEquals(1_315_723_264L, ParameterCount.total(ModelShape.gpt(2048, 24, 128)));
        assertEquals(2_651_553_280L, ParameterCount.total(ModelShape.gpt(2560, 32, 80)));
        assertEquals(6_658_404_352L, ParameterCount.total(ModelShape.gpt(4096, 32, 128)));
        assertEquals(12_853_386_240L, ParameterCount.total(ModelShape.gpt(5120, 40, 128)));
    }

    @Test
    void nonEmbeddingCountExcludesOnlyTheEmbeddingTables() {
        ModelShape s = ModelShape.gpt(768, 10, 64);
        assertEquals(70_880_256L, ParameterCount.nonEmbedding(s));
        assertEquals(ParameterCount.total(s), ParameterCount.embedding(s) + ParameterCount.nonEmbedding(s));
    }

    @Test
    void agreesWithTheLiteralAppendixFormulaAcrossWidthsAndVocabularies() {
        for (int d = 64; d <= 4096; d += 192) {
            for (int layers : new int[] {1, 3, 17}) {
                for (int vocab : new int[] {256, 50257}) {
                    ModelShape s = new ModelShape(vocab, 2048, d, layers, d / 64, 64, 4 * d);
                    assertEquals(appendixE(vocab, d, layers, 2048), ParameterCount.total(s),
                            "d=" + d + " layers=" + layers + " vocab=" + vocab);
                }
            }
        }
    }

    @Test
    void shapeValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelShape(50257, 2048, 768, 10, 12, 60, 3072));
        assertTrue(e.getMessage().contains("n_heads x d_head"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelShape.gpt(768, 0, 64));
        assertTrue(e.getMessage().contains("n_layers"), e.getMessage());
    }
}
