package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses a model directory whose own tokenizer is not the one Wafer will use for it: an imported model records no
 * tokenizer, so generate and eval read and write its text with GPT-2's (the byte tokenizer's for 257 ids). A model
 * with another end-of-text id or another tokenizer.json would be fed ids it was not trained on, and generation would
 * stop at 50256 instead of at its own end-of-text.
 */
final class ImportedTokenizerCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int GPT2_IDS = 50257;
    private static final String WAFER_TOKENIZER = "an imported model's text is read and written with GPT-2's"
            + " tokenizer (end-of-text 50256), or the byte tokenizer's for 257 ids (256)";

    private ImportedTokenizerCheck() {
    }

    static void check(Path dir, Path configFile, int vocabSize) {
        JsonNode config;
        try {
            config = MAPPER.readTree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            return; // the config was read just before; a failure here is reported by what reads it next
        }
        OptionalInt expected = Gpt2ConfigJson.endOfTextId(vocabSize);
        for (String field : new String[] {"eos_token_id", "bos_token_id"}) {
            JsonNode id = config == null ? null : config.get(field);
            if (id == null || id.isNull()) {
                continue;
            }
            if (!id.canConvertToExactIntegral() || expected.isEmpty() || id.asInt() != expected.getAsInt()) {
                throw new HfFormatException(configFile + ": " + field + " is " + id + ", but " + WAFER_TOKENIZER
                        + (expected.isPresent() ? "" : ", and a vocabulary of " + vocabSize + " ids is neither")
                        + "; this model has a tokenizer of its own, which Wafer cannot use for an imported model");
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
