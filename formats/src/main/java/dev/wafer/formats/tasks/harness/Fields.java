package dev.wafer.formats.tasks.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wafer.formats.tasks.TaskFileException;
import java.util.ArrayList;
import java.util.List;

/** One record of a task file with its location, reading fields or refusing them with the task, file, line and field. */
final class Fields {
    private final String task;
    private final String where;
    private final JsonNode node;
    private final String prefix;

    /**
     * @param task  harness task name
     * @param where {@code file:line}
     * @param node  the record
     */
    Fields(String task, String where, JsonNode node) {
        this(task, where, node, "");
    }

    private Fields(String task, String where, JsonNode node, String prefix) {
        this.task = task;
        this.where = where;
        this.node = node;
        this.prefix = prefix;
    }

    boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw error(field, "must be a string" + found(v));
        }
        return v.asText();
    }

    /**
     * An integer, also given as a string (the HF exports write HellaSwag's label as "3"), read as the harness's
     * {@code int(...)} reads it: surrounding white space, a sign, digits of any script, underscores between digits.
     */
    int integer(String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isIntegralNumber() && v.canConvertToInt()) {
            return v.asInt();
        }
        if (v != null && v.isTextual()) {
            java.util.OptionalInt parsed = dev.wafer.domain.eval.PythonStrings.parseInt(v.asText());
            if (parsed.isPresent()) {
                return parsed.getAsInt();
            }
        }
        throw error(field, "must be an integer" + found(v));
    }

    List<String> texts(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw error(field, "must be an array of strings" + found(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw error(field, "must contain only strings, found " + item);
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A nested object's fields, at the same location, named {@code parent.child} in messages. */
    Fields object(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw error(field, "must be an object" + found(v));
        }
        return new Fields(task, where, v, prefix + field + ".");
    }

    /** The {@code text} of each object of an array of objects ({@code question.choices[].text}). */
    List<String> textsOfObjects(String field, String member) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw error(field, "must be an array of objects with '" + member + "'" + found(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            JsonNode t = item.get(member);
            if (t == null || !t.isTextual()) {
                throw error(field, "every element needs a string '" + member + "', found " + item);
            }
            out.add(t.asText());
        }
        return out;
    }

    TaskFileException error(String field, String message) {
        return new TaskFileException(task + ": " + where + ": field '" + prefix + field + "' " + message);
    }

    /** A refusal of the whole record, e.g. a document the task's rules reject. */
    TaskFileException error(String message) {
        return new TaskFileException(task + ": " + where + ": " + message);
    }

    private static String found(JsonNode v) {
        if (v == null) {
            return " (missing)";
        }
        String s = v.toString();
        return ", found " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
    }
}
