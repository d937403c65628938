package dev.wafer.formats.checkpoint;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;

/**
 * Strict reading of one object of the header JSON: every accessor names the field (with its path) when it is
 * missing or of the wrong type, so a damaged header is reported in one line.
 */
final class HeaderNode {
    private final Path file;
    private final String path;
    private final JsonNode node;

    private HeaderNode(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** The object {@code name} of the root, or a malformed-header error. */
    static HeaderNode root(Path file, JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || !n.isObject()) {
            throw malformed(file, "header section '" + name + "' is missing or not an object");
        }
        return new HeaderNode(file, name, n);
    }

    boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    HeaderNode object(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isObject()) {
            throw malformed(file, where(field) + " is missing or not an object");
        }
        return new HeaderNode(file, where(field), n);
    }

    JsonNode array(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isArray()) {
            throw malformed(file, where(field) + " is missing or not an array");
        }
        return n;
    }

    HeaderNode element(JsonNode array, String field, int i) {
        JsonNode n = array.get(i);
        if (n == null || !n.isObject()) {
            throw malformed(file, where(field) + "[" + i + "] is not an object");
        }
        return new HeaderNode(file, where(field) + "[" + i + "]", n);
    }

    long longValue(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not an integer: " + n));
        }
        return n.asLong();
    }

    int intValue(String field) {
        long v = longValue(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw malformed(file, where(field) + " is out of range: " + v);
        }
        return (int) v;
    }

    double doubleValue(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isNumber()) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not a number: " + n));
        }
        return n.asDouble();
    }

    String text(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual()) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not a string: " + n));
        }
        return n.asText();
    }

    boolean bool(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isBoolean()) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not true or false: " + n));
        }
        return n.asBoolean();
    }

    boolean isEmpty() {
        return node.isEmpty();
    }

    private String where(String field) {
        return path + "." + field;
    }

    static CheckpointException malformed(Path file, String detail) {
        return new CheckpointException(Problem.MALFORMED_HEADER, file, detail);
    }
}
