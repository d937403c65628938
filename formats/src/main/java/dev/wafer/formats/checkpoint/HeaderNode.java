package dev.wafer.formats.checkpoint;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;

/**
 * Strict reading of one object of the header JSON ({@link HeaderJson}'s values): every accessor names the field
 * (with its path) when it is missing or of the wrong type, so a damaged header is reported in one line.
 */
final class HeaderNode {
    private final Path file;
    private final String path;
    private final Map<?, ?> node;

    private HeaderNode(Path file, String path, Map<?, ?> node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** The object {@code name} of the root, or a malformed-header error. */
    static HeaderNode root(Path file, Map<?, ?> root, String name) {
        if (!(root.get(name) instanceof Map<?, ?> n)) {
            throw malformed(file, "header section '" + name + "' is missing or not an object");
        }
        return new HeaderNode(file, name, n);
    }

    boolean has(String field) {
        return node.containsKey(field) && node.get(field) != HeaderJson.NULL;
    }

    HeaderNode object(String field) {
        if (!(node.get(field) instanceof Map<?, ?> n)) {
            throw malformed(file, where(field) + " is missing or not an object");
        }
        return new HeaderNode(file, where(field), n);
    }

    List<?> array(String field) {
        if (!(node.get(field) instanceof List<?> n)) {
            throw malformed(file, where(field) + " is missing or not an array");
        }
        return n;
    }

    HeaderNode element(List<?> array, String field, int i) {
        if (!(array.get(i) instanceof Map<?, ?> n)) {
            throw malformed(file, where(field) + "[" + i + "] is not an object");
        }
        return new HeaderNode(file, where(field) + "[" + i + "]", n);
    }

    long longValue(String field) {
        Object n = node.get(field);
        if (!(n instanceof Long v)) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not an integer: "
                    + HeaderJson.toText(n)));
        }
        return v;
    }

    int intValue(String field) {
        long v = longValue(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw malformed(file, where(field) + " is out of range: " + v);
        }
        return (int) v;
    }

    double doubleValue(String field) {
        Object n = node.get(field);
        if (!(n instanceof Number v)) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not a number: "
                    + HeaderJson.toText(n)));
        }
        return v instanceof BigInteger big ? big.doubleValue() : v.doubleValue();
    }

    String text(String field) {
        Object n = node.get(field);
        if (!(n instanceof String v)) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not a string: "
                    + HeaderJson.toText(n)));
        }
        return v;
    }

    /**
     * A string naming a file path: a NUL is refused here, since no file system can hold it and every command that
     * opens the path would otherwise fail past its own checks.
     */
    String pathText(String field) {
        String v = text(field);
        if (v.indexOf('\u0000') >= 0) {
            throw malformed(file, where(field) + " holds a NUL character (\\u0000); expected a file path");
        }
        return v;
    }

    boolean bool(String field) {
        Object n = node.get(field);
        if (!(n instanceof Boolean v)) {
            throw malformed(file, where(field) + (n == null ? " is missing" : " is not true or false: "
                    + HeaderJson.toText(n)));
        }
        return v;
    }

    /**
     * Every field of this object as a string, in order; a field of another type is a malformed header, and so is a
     * NUL in {@code pathField}, the one naming a file path.
     */
    Map<String, String> strings(String pathField) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        for (Object key : node.keySet()) {
            String k = String.valueOf(key);
            all.put(k, k.equals(pathField) ? pathText(k) : text(k));
        }
        return all;
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
