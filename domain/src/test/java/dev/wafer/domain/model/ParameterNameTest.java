package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ParameterNameTest {
    // The tensor names of every checkpoint and golden file written so far, in llm.c order: the ids must never change.
    private static final List<String> HISTORIC_IDS = List.of("wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb",
            "attprojw", "attprojb", "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb");
    private static final ModelShape SHAPE_111M = ModelShape.withHeads(50257, 2048, 10, 12, 768, 3072);

    @Test
    void idsAreTheHistoricCheckpointNamesInLlmcOrder() {
        assertEquals(HISTORIC_IDS, Arrays.stream(ParameterName.values()).map(ParameterName::id).toList());
        assertEquals(HISTORIC_IDS.size(), Arrays.stream(ParameterName.values()).map(ParameterName::id).distinct().count());
        for (ParameterName n : ParameterName.values()) {
            assertEquals(n.id(), n.toString(), "messages name tensors by id");
        }
    }

    @Test
    void fromIdInvertsIdAndNamesAnUnknownTensor() {
        for (ParameterName n : ParameterName.values()) {
            assertSame(n, ParameterName.fromId(n.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterName.fromId("QKV_WEIGHT"));
        assertTrue(e.getMessage().startsWith("unknown parameter tensor 'QKV_WEIGHT'; expected one of wte, wpe, ln1w"),
                e.getMessage());
    }

    @Test
    void rolesAndStackingAreLlmcs() {
        assertEquals(ParameterRole.TOKEN_EMBEDDING, ParameterName.WTE.role());
        assertEquals(ParameterRole.POSITION_EMBEDDING, ParameterName.WPE.role());
        assertEquals(ParameterRole.HIDDEN_WEIGHT, ParameterName.QKV_WEIGHT.role());
        assertEquals(ParameterRole.HIDDEN_WEIGHT, ParameterName.FC_WEIGHT.role());
        assertEquals(ParameterRole.OUTPUT_WEIGHT, ParameterName.ATTN_PROJ_WEIGHT.role());
        assertEquals(ParameterRole.OUTPUT_WEIGHT, ParameterName.FC_PROJ_WEIGHT.role());
        assertEquals(ParameterRole.NORM_WEIGHT, ParameterName.LNF_WEIGHT.role());
        assertEquals(ParameterRole.NORM_BIAS, ParameterName.LN2_BIAS.role());
        assertEquals(ParameterRole.BIAS, ParameterName.FC_PROJ_BIAS.role());
        assertEquals(HISTORIC_IDS.subList(2, 14), ParameterName.stackedNames().stream().map(ParameterName::id).toList());
        assertFalse(ParameterName.WTE.stacked());
        assertFalse(ParameterName.LNF_BIAS.stacked());
    }

    @Test
    void shapesOf111M() {
        assertArrayEquals(new int[] {50257, 768}, ParameterName.WTE.shape(SHAPE_111M));
        assertArrayEquals(new int[] {2048, 768}, ParameterName.WPE.shape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 768}, ParameterName.LN1_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 2304, 768}, ParameterName.QKV_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {2304, 768}, ParameterName.QKV_WEIGHT.layerShape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 768, 768}, ParameterName.ATTN_PROJ_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 3072, 768}, ParameterName.FC_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 3072}, ParameterName.FC_BIAS.shape(SHAPE_111M));
        assertArrayEquals(new int[] {10, 768, 3072}, ParameterName.FC_PROJ_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {768}, ParameterName.LNF_WEIGHT.shape(SHAPE_111M));
        assertArrayEquals(new int[] {768}, ParameterName.LNF_WEIGHT.layerShape(SHAPE_111M));
    }

    @Test
    void layoutOf111MIsUnchanged() {
        ParameterLayout layout = new ParameterLayout(SHAPE_111M);
        assertEquals(111_050_496L, layout.totalCount());
        // Offsets of the flat allocation as the string-built layout placed them (llm.c order, packed).
        long[] expected = {0L, 38_597_376L, 40_170_240L, 40_177_920L, 40_185_600L, 57_880_320L, 57_903_360L,
                63_801_600L, 63_809_280L, 63_816_960L, 63_824_640L, 87_417_600L, 87_448_320L, 111_041_280L,
                111_048_960L, 111_049_728L};
        List<ParameterSpec> specs = layout.specs();
        assertEquals(ParameterName.values().length, specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec s = specs.get(i);
            assertSame(ParameterName.values()[i], s.name());
            assertSame(s, layout.spec(s.name()));
            assertEquals(expected[i], s.offset(), s.name().id());
            assertArrayEquals(s.name().shape(SHAPE_111M), s.shape(), s.name().id());
            assertEquals(s.name().role(), s.role());
        }
    }
}
