package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The training provenance {@code export-hf} writes into a Hugging Face directory (data path and fingerprint,
 * tokenizer, tokens and steps trained, seed, precision...) and {@code import-hf} reads back, so that an exported
 * model still says which data trained it. Plain strings: safetensors metadata holds only strings, and Hugging Face
 * ignores the unknown {@code config.json} key.
 */
public final class WaferProvenance {
    /** The {@code config.json} key holding the provenance object. */
    public static final String CONFIG_KEY = "wafer_provenance";
    /** The prefix of the provenance entries in the safetensors {@code __metadata__}. */
    public static final String METADATA_PREFIX = "wafer_";
    /** The entry naming the dataset the model was trained on, a file path. */
    public static final String DATA_PATH = "data_path";
    /** The entry naming the tokenizer of the data the model was trained on, e.g. {@code bytes-utf8}. */
    public static final String TOKENIZER = "tokenizer";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WaferProvenance() {
    }

    /** The safetensors metadata entries for {@code provenance}: each key prefixed with {@link #METADATA_PREFIX}. */
    static Map<String, String> metadata(Map<String, String> provenance) {
        Map<String, String> out = new LinkedHashMap<>();
        provenance.forEach((k, v) -> out.put(METADATA_PREFIX + k, v));
        return out;
    }

    /**
     * The provenance {@code dir}'s {@code config.json} records under {@link #CONFIG_KEY}, in order; empty when it
     * records none (a model not exported by Wafer).
     *
     * @throws HfFormatException when the key holds anything but an object of strings, or a {@link #DATA_PATH} no
     *                           file path can be (a NUL), naming the file and field
     */
    public static Map<String, String> read(Path dir) {
        Path config = dir.resolve(Gpt2HfDirectory.CONFIG);
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new HfFormatException(config + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode node = root == null ? null : root.get(CONFIG_KEY);
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new HfFormatException(config + ": field '" + CONFIG_KEY + "' must be an object of strings, found "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        for (var e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new HfFormatException(config + ": field '" + CONFIG_KEY + "." + e.getKey() + "' must be a"
                        + " string, found " + e.getValue());
            }
            String value = e.getValue().asText();
            if (e.getKey().equals(DATA_PATH) && value.indexOf('\u0000') >= 0) {
                // No file system holds a NUL: the path would fail every command that looks the dataset up.
                throw new HfFormatException(config + ": field '" + CONFIG_KEY + "." + DATA_PATH + "' holds a NUL"
                        + " character (\\u0000); expected the path of the dataset the model was trained on");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }
}
