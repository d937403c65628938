package dev.wafer.formats.tasks;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Jackson's description of a line that is not JSON, for a one-line message that already names {@code FILE:LINE}:
 * without the location Jackson embeds in some descriptions ({@code [Source: REDACTED (`StreamReadFeature...`
 * disabled); line: 1, column: 1]}), which names a library setting rather than anything in the user's file.
 */
public final class JsonLineError {
    private static final Pattern LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]");

    private JsonLineError() {
    }

    /** The parse error's description, each embedded location reduced to {@code column C} of the line parsed. */
    public static String describe(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        // Each line is parsed on its own, so Jackson's line is always 1: the column is what locates the problem.
        return LOCATION.matcher(message).replaceAll(m -> m.group(1).equals("1") ? "column " + m.group(2)
                : "line " + m.group(1) + ", column " + m.group(2));
    }
}
