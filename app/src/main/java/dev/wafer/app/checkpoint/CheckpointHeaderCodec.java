package dev.wafer.app.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.TensorSpec;

/** Converts the header sections and tensor index to and from the header JSON. */
final class CheckpointHeaderCodec {
    // Integers always come back as Long so that a random-number state survives whatever its magnitude.
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    static final String[] SECTIONS = {"model", "parameterisation", "schedule", "data", "random"};

    /** The decoded header: sections plus tensor index. */
    record Decoded(CheckpointHeader header, List<TensorEntry> tensors) {
    }

    private CheckpointHeaderCodec() {
    }

    static byte[] encode(CheckpointHeader header, List<TensorEntry> tensors) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "wafer-checkpoint");
        root.put("version", CheckpointLayout.FORMAT_VERSION);
        root.put("model", header.model());
        root.put("parameterisation", header.parameterisation());
        root.put("schedule", header.schedule());
        root.put("data", header.data());
        root.put("random", header.random());
        List<Map<String, Object>> index = new ArrayList<>();
        for (TensorEntry entry : tensors) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", entry.spec().name());
            t.put("dtype", "F32");
            t.put("shape", entry.spec().shape());
            t.put("offset", entry.offset());
            t.put("bytes", entry.bytes());
            index.add(t);
        }
        root.put("tensors", index);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint header is not representable as JSON: " + e.getMessage(), e);
        }
    }

    static Decoded decode(Path file, byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed(file, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed(file, "header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "header is not a JSON object");
        }
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        for (String name : SECTIONS) {
            JsonNode node = root.get(name);
            if (node == null || !node.isObject()) {
                throw malformed(file, "header section '" + name + "' is missing or not an object");
            }
            sections.put(name, MAPPER.convertValue(node, MAP));
        }
        JsonNode index = root.get("tensors");
        if (index == null || !index.isArray()) {
            throw malformed(file, "header field 'tensors' is missing or not an array");
        }
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < index.size(); i++) {
            tensors.add(decodeTensor(file, i, index.get(i)));
        }
        CheckpointHeader header = new CheckpointHeader(sections.get("model"), sections.get("parameterisation"),
                sections.get("schedule"), sections.get("data"), sections.get("random"));
        return new Decoded(header, List.copyOf(tensors));
    }

    private static TensorEntry decodeTensor(Path file, int i, JsonNode t) {
        String where = "tensor index entry " + i;
        if (!t.path("name").isTextual()) {
            throw malformed(file, where + " has no 'name'");
        }
        String name = t.get("name").asText();
        where = "tensor '" + name + "'";
        if (!"F32".equals(t.path("dtype").asText())) {
            throw malformed(file, where + " has dtype '" + t.path("dtype").asText() + "'; only F32 is supported");
        }
        JsonNode shapeNode = t.path("shape");
        if (!shapeNode.isArray()) {
            throw malformed(file, where + " has no 'shape' array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int d = 0; d < shape.length; d++) {
            if (!shapeNode.get(d).canConvertToInt() || shapeNode.get(d).asInt() <= 0) {
                throw malformed(file, where + " has an invalid dimension " + shapeNode.get(d));
            }
            shape[d] = shapeNode.get(d).asInt();
        }
        if (!t.path("offset").canConvertToLong() || !t.path("bytes").canConvertToLong()) {
            throw malformed(file, where + " lacks 'offset' or 'bytes'");
        }
        TensorSpec spec = new TensorSpec(name, shape);
        long bytes = t.get("bytes").asLong();
        if (bytes != spec.elementCount() * Float.BYTES) {
            throw malformed(file, where + " of shape " + spec.shapeText() + " claims " + bytes + " bytes");
        }
        return new TensorEntry(spec, t.get("offset").asLong(), bytes);
    }

    private static CheckpointException malformed(Path file, String detail) {
        return new CheckpointException(Problem.MALFORMED_HEADER, file, detail);
    }
}
