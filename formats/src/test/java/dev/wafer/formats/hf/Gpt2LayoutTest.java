package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.model.ParameterName;

class Gpt2LayoutTest {
    @Test
    void theTableGivesGpt2sNamesAndShapesInOrder() {
        // n_embd 8, n_inner 12, 6 positions, vocabulary 13, one block, untied head: GPT2LMHeadModel's state dict.
        Gpt2Config config = new Gpt2Config(8, 1, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU, false, "GPT2LMHeadModel", null);
        Map<String, int[]> shapes = Gpt2Layout.expectedShapes(config);
        List<String> names = List.of("transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias", "transformer.h.0.attn.c_attn.weight",
                "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight",
                "transformer.h.0.attn.c_proj.bias", "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias",
                "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias", "transformer.h.0.mlp.c_proj.weight",
                "transformer.h.0.mlp.c_proj.bias", "transformer.ln_f.weight", "transformer.ln_f.bias", "lm_head.weight");
        int[][] expected = {{13, 8}, {6, 8}, {8}, {8}, {8, 24}, {24}, {8, 8}, {8}, {8}, {8}, {8, 12}, {12}, {12, 8},
            {8}, {8}, {8}, {13, 8}};
        assertEquals(names, new ArrayList<>(shapes.keySet()));
        for (int i = 0; i < names.size(); i++) {
            assertArrayEquals(expected[i], shapes.get(names.get(i)), names.get(i));
        }
    }

    @Test
    void everyParameterHasOneGpt2TensorPerBlock() {
        List<Gpt2Layout.Slot> slots = Gpt2Layout.slots(3);
        assertEquals(4 + 3 * ParameterName.stackedNames().size(), slots.size());
        Set<ParameterName> seen = EnumSet.noneOf(ParameterName.class);
        for (Gpt2Layout.Slot s : slots) {
            seen.add(s.parameter());
            assertEquals(s.parameter().stacked() ? Gpt2Layout.hfName(s.parameter(), s.layer())
                    : Gpt2Layout.hfName(s.parameter()), s.hfName());
        }
        assertEquals(EnumSet.allOf(ParameterName.class), seen);
        assertEquals("transformer.h.2.mlp.c_proj.weight", Gpt2Layout.hfName(ParameterName.FC_PROJ_WEIGHT, 2));
        assertThrows(IllegalArgumentException.class, () -> Gpt2Layout.hfName(ParameterName.QKV_WEIGHT));
        assertThrows(IllegalArgumentException.class, () -> Gpt2Layout.hfName(ParameterName.WTE, 0));
    }
}
