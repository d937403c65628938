package dev.wafer.formats.tasks;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Refuses a task record whose strings hold an unpaired UTF-16 surrogate ({@code "\ud800"} written as a JSON escape):
 * that is no Unicode text, so it has no UTF-8 bytes to tokenise (Java would encode it as '?', Python's harness raises
 * UnicodeEncodeError). Without this check such a record was scored as if it said '?' and writing it to
 * {@code --write-requests} failed as though the output file were at fault.
 */
public final class UnpairedSurrogates {
    private UnpairedSurrogates() {
    }

    /**
     * @param where the record's location for the message, e.g. {@code hellaswag: dev.jsonl:3}
     * @throws TaskFileException naming the field and the surrogate
     */
    public static void check(String where, JsonNode record) {
        check(where, record, "");
    }

    private static void check(String where, JsonNode node, String path) {
        if (node.isTextual()) {
            String text = node.textValue();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new TaskFileException(where + ": field '" + path + "' holds an unpaired surrogate "
                            + String.format(Locale.ROOT, "\\u%04x", (int) c) + " at character " + i
                            + ", which is not Unicode text (nothing to tokenise)");
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                check(where, e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(where, node.get(i), path + "[" + i + "]");
            }
        }
    }
}
