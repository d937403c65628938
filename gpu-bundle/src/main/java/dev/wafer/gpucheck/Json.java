package dev.wafer.gpucheck;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON as the check reads and writes it. Children's lines are read leniently ({@code NaN}, {@code Infinity}: Python's
 * json.dumps writes them), but the report must stay valid JSON, so non-finite numbers become {@code null} with a note.
 */
final class Json {

    /** Reads {@code NaN}/{@code Infinity}; writes indented. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Replaces every non-finite number under {@code node} by {@code null}, in place.
     *
     * @return one note per replacement, e.g. {@code "wafer.tokens_per_s was NaN"}
     */
    static List<String> replaceNonFinite(JsonNode node, String path) {
        List<String> notes = new ArrayList<>();
        replace(node, path, notes);
        return notes;
    }

    private static void replace(JsonNode node, String path, List<String> notes) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : List.copyOf(object.properties())) {
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (isNonFinite(field.getValue())) {
                    notes.add(at + " was " + field.getValue().asText());
                    object.putNull(field.getKey());
                } else {
                    replace(field.getValue(), at, notes);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String at = path + "[" + i + "]";
                if (isNonFinite(array.get(i))) {
                    notes.add(at + " was " + array.get(i).asText());
                    array.set(i, array.nullNode());
                } else {
                    replace(array.get(i), at, notes);
                }
            }
        }
    }

    private static boolean isNonFinite(JsonNode value) {
        return value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue());
    }
}
