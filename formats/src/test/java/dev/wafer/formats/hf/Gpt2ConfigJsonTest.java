package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

class Gpt2ConfigJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Cerebras-GPT-111M's config.json (reference-facts 2.1). */
    static final String CEREBRAS_111M = """
            {"activation_function": "gelu", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.0,
             "bos_token_id": 50256, "embd_pdrop": 0.0, "eos_token_id": 50256, "initializer_range": 0.02,
             "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_inner": 3072,
             "n_layer": 10, "n_positions": 2048, "resid_pdrop": 0.0, "scale_attn_weights": true,
             "tie_word_embeddings": true, "vocab_size": 50257}
            """;

    static Gpt2Config parse(String json) {
        try {
            return Gpt2ConfigJson.parse("config.json", MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsCerebras111M() {
        Gpt2Config c = parse(CEREBRAS_111M);
        assertEquals(new Gpt2Config(768, 10, 12, 3072, 2048, 50257, 1e-5, Gpt2Activation.GELU, true, "GPT2LMHeadModel", null), c);
        assertEquals(64, c.headDim());
    }

    @Test
    void readsThe13BGpt2ModelArchitectureAndDefaultsNInnerToFourD() {
        Gpt2Config c = parse("""
                {"architectures": ["GPT2Model"], "model_type": "gpt2", "n_embd": 5120, "n_layer": 40, "n_head": 40,
                 "n_inner": null, "n_positions": 2048, "vocab_size": 50257, "activation_function": "gelu"}
                """);
        assertEquals("GPT2Model", c.architecture());
        assertEquals(4 * 5120, c.nInner());
        assertTrue(c.tieWordEmbeddings());
    }

    @Test
    void missingActivationMeansHuggingFacesDefaultTanhGelu() {
        Gpt2Config c = parse("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 4, \"vocab_size\": 5}");
        assertEquals(Gpt2Activation.GELU_NEW, c.activation());
        assertEquals(1e-5, c.layerNormEpsilon());
    }

    @Test
    void readsBtlmMupConfigWithCurrentNames() {
        // Shaped like cerebras/Cerebras-GPT-Intermediate CerebrasGPT-1.3B_muP (reference-facts 2.4).
        Gpt2Config c = parse("""
                {"architectures": ["BTLMLMHeadModel"], "model_type": "btlm", "n_embd": 2048, "n_layer": 24,
                 "n_head": 16, "n_inner": 8192, "n_positions": 2048, "vocab_size": 50257, "activation_function": "gelu",
                 "position_embedding_type": "learned", "alibi_scaling": null, "tie_word_embeddings": true,
                 "mup_width_scale": 0.125, "mup_embeddings_scale": 10.0, "mup_output_alpha": 1.0,
                 "mup_scale_qk_dot_by_d": true}
                """);
        assertEquals(new MupMultipliers(0.125, 10, 1, true), c.mup());
        assertEquals(0.125, c.mup().outputLogitsScale(), 1e-15);
    }

    @Test
    void readsTheEarliestBtlmNamesWhereOutputLogitsScaleIsTheProduct() {
        Gpt2Config c = parse("""
                {"model_type": "btlm", "n_embd": 768, "n_layer": 1, "n_head": 12, "n_positions": 16, "vocab_size": 9,
                 "activation_function": "gelu", "width_scale": 0.3333333333333333, "embeddings_scale": 10.0,
                 "output_logits_scale": 0.6666666666666666, "scale_qk_dot_by_d": true}
                """);
        assertEquals(2.0, c.mup().outputAlpha(), 1e-12);
        assertEquals(0.6666666666666666, c.mup().outputLogitsScale(), 1e-15);
    }

    @Test
    void incompleteMupIsAnErrorNamingTheMissingFields() {
        HfFormatException e = assertThrows(HfFormatException.class, () -> parse("""
                {"model_type": "btlm", "n_embd": 768, "n_layer": 1, "n_head": 12, "n_positions": 16, "vocab_size": 9,
                 "mup_embeddings_scale": 10.0, "mup_scale_qk_dot_by_d": true}
                """));
        assertTrue(e.getMessage().contains("missing mup_width_scale, mup_output_alpha"), e.getMessage());
    }

    /** A muP multiplier that is 0, negative or not finite is refused naming its field (the message named none). */
    @Test
    void aMupMultiplierOutOfRangeIsRefusedNamingItsField() {
        String head = "{\"model_type\": \"btlm\", \"n_embd\": 768, \"n_layer\": 1, \"n_head\": 12, \"n_positions\": 16,"
                + " \"vocab_size\": 9, \"activation_function\": \"gelu\", ";
        assertError(head + "\"mup_width_scale\": 0.3333333333333333, \"mup_embeddings_scale\": 0.0,"
                + " \"mup_output_alpha\": 1.0, \"mup_scale_qk_dot_by_d\": true}",
                "field 'mup_embeddings_scale' must be a positive finite number, found 0.0");
        assertError(head + "\"mup_width_scale\": -1.0, \"mup_embeddings_scale\": 10.0,"
                + " \"mup_output_alpha\": 1.0, \"mup_scale_qk_dot_by_d\": true}",
                "field 'mup_width_scale' must be a positive finite number, found -1.0");
        assertError(head + "\"mup_width_scale\": 0.3333333333333333, \"mup_embeddings_scale\": 10.0,"
                + " \"mup_output_alpha\": 1e999, \"mup_scale_qk_dot_by_d\": true}",
                "field 'mup_output_alpha' must be a positive finite number, found Infinity");
        assertError(head + "\"width_scale\": 0.3333333333333333, \"embeddings_scale\": 10.0,"
                + " \"output_logits_scale\": -0.5, \"scale_qk_dot_by_d\": true}",
                "field 'output_logits_scale' must be a positive finite number, found -0.5");
    }

    @Test
    void errorsNameTheFieldAndTheFile() {
        assertError("{\"n_embd\": 8, \"n_layer\": 1, \"n_positions\": 4, \"vocab_size\": 5}", "required field 'n_head' is missing");
        assertError("{\"n_embd\": 8.5, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 4, \"vocab_size\": 5}",
                "field 'n_embd' must be an integer");
        assertError("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 3, \"n_positions\": 4, \"vocab_size\": 5}",
                "n_embd 8 is not divisible by n_head 3");
        assertError("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 4, \"vocab_size\": 5, \"activation_function\": \"relu\"}",
                "activation_function 'relu' is not supported; Wafer imports \"gelu\" (the exact GELU) only");
        // It once advised "gelu_new" too, which the import then refused.
        assertFalse(assertThrows(HfFormatException.class, () -> parse("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2,"
                + " \"n_positions\": 4, \"vocab_size\": 5, \"activation_function\": \"relu\"}")).getMessage()
                .contains("gelu_new"));
        assertError("{\"architectures\": [\"LlamaForCausalLM\"], \"n_embd\": 8}", "architectures [\"LlamaForCausalLM\"] is not supported");
        assertError("{\"model_type\": \"llama\"}", "model_type 'llama' is not supported");
        assertError("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 4, \"vocab_size\": 5, \"scale_attn_weights\": false}",
                "scale_attn_weights=false");
        assertError("{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 4, \"vocab_size\": 5, \"position_embedding_type\": \"alibi\"}",
                "position_embedding_type 'alibi'");
    }

    @Test
    void writesAConfigThatReadsBackIdentically(@TempDir Path dir) {
        Gpt2Config c = parse(CEREBRAS_111M);
        Path file = dir.resolve("config.json");
        Gpt2ConfigJson.write(file, c);
        assertEquals(c, Gpt2ConfigJson.read(file));
        Gpt2Config untied = c.withMup(null, false);
        Gpt2ConfigJson.write(file, untied);
        assertFalse(Gpt2ConfigJson.read(file).tieWordEmbeddings());
    }

    @Test
    void refusesToWriteAMupConfig() {
        Gpt2Config c = parse(CEREBRAS_111M).withMup(new MupMultipliers(1 / 3.0, 10, 1, true), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gpt2ConfigJson.toJson(c));
        assertTrue(e.getMessage().contains("fold them into the weights first"), e.getMessage());
    }

    @Test
    void missingFileSaysAModelDirectoryNeedsAConfig(@TempDir Path dir) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> Gpt2ConfigJson.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("needs config.json"), e.getMessage());
    }

    private static void assertError(String json, String expected) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("config.json: ") && e.getMessage().contains(expected), e.getMessage());
    }

    /** A byte-tokenizer model must not claim GPT-2's end-of-text id 50256, which it does not have. */
    @Test
    void exportedEndOfTextIdFitsTheVocabulary() throws IOException {
        for (int[] vocabAndEot : new int[][] {{50257, 50256}, {50304, 50256},
                {dev.wafer.formats.data.ByteTokenizer.VOCAB_SIZE, dev.wafer.formats.data.ByteTokenizer.END_OF_TEXT}, {1000, -1}}) {
            Gpt2Config c = new Gpt2Config(64, 1, 2, 256, 128, vocabAndEot[0], 1e-5, Gpt2Activation.GELU, true,
                    "GPT2LMHeadModel", null);
            var json = MAPPER.readTree(Gpt2ConfigJson.toJson(c));
            if (vocabAndEot[1] < 0) {
                assertFalse(json.has("eos_token_id") || json.has("bos_token_id"), json.toString());
            } else {
                assertEquals(vocabAndEot[1], json.path("eos_token_id").asInt(-1), json.toString());
                assertEquals(vocabAndEot[1], json.path("bos_token_id").asInt(-1), json.toString());
            }
            assertEquals(c, Gpt2ConfigJson.parse("config.json", json));
        }
    }
    /**
     * The recorded tokenizer decides the exported end-of-text, whatever the vocabulary (until 2026-12-07 the size
     * alone did: a byte-tokenized model with train's default 50,257 ids was exported with 50256, which it never ends
     * text with).
     */
    @Test
    void exportedEndOfTextIdIsTheRecordedTokenizers() throws IOException {
        Object[][] cases = {{50257, "bytes-utf8", 256}, {300, "bytes-utf8", 256}, {257, "bytes-utf8", 256},
                {50257, "gpt2-r50k", 50256}, {50304, "gpt2", 50256}, {1000, "gpt2-r50k", -1},
                {50257, "my-tokenizer.json", -1}, {257, "", 256}, {50257, "", 50256}};
        for (Object[] c : cases) {
            Gpt2Config config = new Gpt2Config(64, 1, 2, 256, 128, (int) c[0], 1e-5, Gpt2Activation.GELU, true,
                    "GPT2LMHeadModel", null);
            var json = MAPPER.readTree(Gpt2ConfigJson.toJson(config, java.util.Map.of("tokenizer", (String) c[1])));
            String what = java.util.Arrays.toString(c) + " " + json;
            assertEquals((int) c[2], json.path("eos_token_id").asInt(-1), what);
            assertEquals((int) c[2], json.path("bos_token_id").asInt(-1), what);
        }
    }
}
