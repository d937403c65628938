package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses a model directory whose own tokenizer is not the one Wafer will use for it: generate and eval read and write
 * an imported model's text with the tokenizer its {@code wafer_provenance} records (export-hf's record of the data it
 * was trained on), else with GPT-2's (the byte tokenizer's for 257 ids). A model with another end-of-text id or
 * another tokenizer.json would be fed ids it was not trained on, and generation would not stop at its end-of-text.
 */
final class ImportedTokenizerCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int GPT2_IDS = 50257;
    private static final String WAFER_TOKENIZER = "an imported model whose " + WaferProvenance.CONFIG_KEY
            + " records no tokenizer has its text read and written with GPT-2's tokenizer (end-of-text 50256), or the"
            + " byte tokenizer's for 257 ids (256)";

    private ImportedTokenizerCheck() {
    }

    static void check(Path dir, Path configFile, int vocabSize) {
        JsonNode config;
        try {
            config = MAPPER.readTree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            return; // the config was read just before; a failure here is reported by what reads it next
        }
        // A tokenizer export-hf recorded and Wafer has built in fixes the id, whatever the vocabulary size (a byte
        // model keeps train's default 50,257 ids); another recorded name (a tokenizer.json's) says nothing of it.
        String recorded = WaferProvenance.read(dir).getOrDefault(WaferProvenance.TOKENIZER, "");
        boolean builtIn = Gpt2ConfigJson.builtInEndOfText(recorded).isPresent();
        OptionalInt expected = builtIn ? Gpt2ConfigJson.endOfTextId(vocabSize, recorded)
                : Gpt2ConfigJson.endOfTextId(vocabSize);
        for (String field : new String[] {"eos_token_id", "bos_token_id"}) {
            JsonNode id = config == null ? null : config.get(field);
            if (id == null || id.isNull()) {
                continue;
            }
            if (!id.canConvertToExactIntegral() || expected.isEmpty() || id.asInt() != expected.getAsInt()) {
                throw new HfFormatException(configFile + ": " + field + " is " + id + ", but " + (builtIn
                        ? "its " + WaferProvenance.CONFIG_KEY + " records tokenizer " + recorded + ", whose end-of-text"
                        + " is " + Gpt2ConfigJson.builtInEndOfText(recorded).getAsInt()
                        + (expected.isPresent() ? "" : ", past the vocabulary of " + vocabSize + " ids")
                        + "; the ids contradict the recorded tokenizer"
                        : WAFER_TOKENIZER + (expected.isPresent() ? "" : ", and a vocabulary of " + vocabSize
                        + " ids is neither")
                        + "; this model has a tokenizer of its own, which Wafer cannot use for an imported model"));
            }
        }
        checkVocabulary(dir.resolve("tokenizer.json"), true);
        checkVocabulary(dir.resolve("vocab.json"), false);
    }

    /** A tokenizer.json ({@code model.vocab}) or vocab.json (the root) must be GPT-2's 50,257 ids. */
    private static void checkVocabulary(Path file, boolean tokenizerJson) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode vocab;
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
            vocab = root == null ? null : tokenizerJson ? root.path("model").path("vocab") : root;
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read it to check that it is GPT-2's tokenizer: "
                    + e.getMessage(), e);
        }
        if (vocab == null || !isGpt2(vocab)) {
            int ids = vocab != null && vocab.isObject() ? vocab.size() : 0;
            throw new HfFormatException(file + " is not GPT-2's tokenizer (" + ids + " ids in its vocabulary, GPT-2 has "
                    + GPT2_IDS + ", '<|endoftext|>' 50256, '!' 0, '\u0120the' 262), but " + WAFER_TOKENIZER
                    + "; this model has a tokenizer of its own, which Wafer cannot use for an imported model");
        }
    }

    private static boolean isGpt2(JsonNode vocab) {
        return vocab.isObject() && vocab.size() == GPT2_IDS && vocab.path("<|endoftext|>").asInt(-1) == 50256
                && vocab.path("!").asInt(-1) == 0 && vocab.path("\u0120the").asInt(-1) == 262;
    }
}
