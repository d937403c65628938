package dev.wafer.gpucheck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The JSON line a bench prints as its result, read so that nothing in it can stop the check: a line that does not
 * parse is kept raw, and NaN or Infinity become null with a note saying which field held what.
 *
 * @param raw    the line as printed (empty when the output held no JSON object)
 * @param value  the parsed object with non-finite numbers replaced, when it parsed
 * @param notes  what was replaced, or why the line did not parse
 */
record ResultLine(String raw, Optional<ObjectNode> value, List<String> notes) {

    /** The last line of {@code output} that looks like a JSON object, parsed. */
    static ResultLine lastOf(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> l.startsWith("{") && l.endsWith("}"))
                .toList();
        return lines.isEmpty() ? new ResultLine("", Optional.empty(), List.of("no JSON result line in the output"))
                : parse(lines.getLast());
    }

    /** One line, parsed leniently. */
    static ResultLine parse(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            if (!(node instanceof ObjectNode object)) {
                return new ResultLine(line, Optional.empty(), List.of("not a JSON object"));
            }
            return new ResultLine(line, Optional.of(object), Json.replaceNonFinite(object, ""));
        } catch (JsonProcessingException e) {
            return new ResultLine(line, Optional.empty(),
                    List.of("unparsable: " + e.getOriginalMessage().lines().findFirst().orElse("")));
        }
    }

    /** Whether a result object was read and every number in it was finite. */
    boolean clean() {
        return value.isPresent() && notes.isEmpty();
    }

    /** A text field of the result, if there is one. */
    Optional<String> text(String field) {
        return value.map(v -> v.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** A finite number of the result, if there is one. */
    Optional<Double> number(String field) {
        return value.map(v -> v.get(field)).filter(JsonNode::isNumber).map(JsonNode::doubleValue);
    }
}
