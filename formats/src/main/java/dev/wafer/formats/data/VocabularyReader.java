package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads token-to-id pairs from a {@code tokenizer.json}: {@code model.vocab} plus {@code added_tokens}. */
final class VocabularyReader {
    private VocabularyReader() {
    }

    /**
     * The model's {@code unk_token} when a WordLevel or WordPiece model declares one that its own {@code model.vocab}
     * lacks: it looks the token up there for every unknown word and fails at encode time. Empty otherwise (a
     * byte-level BPE never needs its unk_token, so one missing is left to the encode-time check).
     */
    static java.util.Optional<String> missingUnknownToken(Path file) {
        JsonNode model;
        try {
            model = new ObjectMapper().readTree(file.toFile()).path("model");
        } catch (IOException e) {
            throw new InvalidInputException("--tokenizer " + file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        JsonNode unk = model.path("unk_token");
        JsonNode vocab = model.path("vocab");
        String type = model.path("type").asText("");
        boolean word = type.equals("WordLevel") || type.equals("WordPiece");
        if (!word || !unk.isTextual() || !vocab.isObject() || vocab.has(unk.asText())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(unk.asText());
    }

    static Map<String, Integer> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("--tokenizer " + file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode model = root.path("model").path("vocab");
        if (model.isObject()) {
            model.properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        } else if (model.isArray()) {
            // Unigram models list [piece, score] pairs; the id is the position.
            for (int i = 0; i < model.size(); i++) {
                vocab.put(model.get(i).path(0).asText(), i);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            vocab.put(added.path("content").asText(), added.path("id").asInt());
        }
        if (vocab.isEmpty()) {
            throw new InvalidInputException("--tokenizer " + file + ": field 'model.vocab' is missing or empty");
        }
        return vocab;
    }
}
