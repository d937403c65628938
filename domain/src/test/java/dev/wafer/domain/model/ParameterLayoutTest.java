package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParameterLayoutTest {
    @Test
    void countsMatchTheCerebrasGptTable() {
        // reference-facts 2.2: 111M has 111,050,496 parameters with tied embeddings counted once.
        assertEquals(111_050_496L, new ParameterLayout(ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072)).totalCount());
        assertEquals(1_315_723_264L,
                new ParameterLayout(ModelShape.withHeads(50257, 2048, 24, 16, 2048, 8192)).totalCount());
    }

    @Test
    void tensorsAreContiguousInLlmcOrder() {
        ParameterLayout l = new ParameterLayout(ModelShape.withHeads(97, 16, 2, 2, 32, 128));
        long offset = 0;
        for (ParameterSpec s : l.specs()) {
            assertEquals(offset, s.offset(), s.name().id());
            offset += s.count();
        }
        assertEquals(offset, l.totalCount());
        assertArrayEquals(new int[] {2, 96, 32}, l.spec(ParameterName.QKV_WEIGHT).shape());
        assertArrayEquals(new int[] {2, 32, 128}, l.spec(ParameterName.FC_PROJ_WEIGHT).shape());
        assertEquals(ParameterRole.OUTPUT_WEIGHT, l.spec(ParameterName.ATTN_PROJ_WEIGHT).role());
    }

    @Test
    void shapesThatDoNotDivideAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelShape.withHeads(97, 16, 2, 3, 32, 128));
        assertEquals("d_model 32 is not a multiple of 3 heads", e.getMessage());
    }
}
