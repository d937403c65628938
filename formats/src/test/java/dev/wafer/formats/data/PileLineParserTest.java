package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.formats.input.StrictUtf8;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Whenever the fast Pile line parser accepts a line, the general path (strict UTF-8 decoding, then Jackson) accepts
 * it too and reads the same text, source and licence. Lines are seeded random edits of Pile records: escapes,
 * non-ASCII text, repeated and unusual fields, other value types, trailing bytes, invalid UTF-8.
 */
class PileLineParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TEXT_PARTS = {"plain", " ", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9",
        "\\ud83d\\ude00", "\\ud800", "\\u0000", "caf\u00e9", "\u4e2d", "\uD83D\uDE00", "\\x", "\\u12", "\t", "\\b",
        "\\f", "\\r", "   ", "<|endoftext|>"};
    private static final String[] FIELDS = {"\"text\": %s", "\"meta\": {\"pile_set_name\": %s}",
        "\"meta\": {\"source\": %s, \"license\": %s}", "\"meta\": {\"licence\": %s, \"pile_set_name\": %s}",
        "\"meta\": {}", "\"meta\": null", "\"meta\": {\"pile_set_name\": 3}", "\"id\": %s", "\"id\": 17",
        "\"text\": 5", "\"te\\u0078t\": %s", "\"meta\": {\"pile_set_name\": %s, \"pile_set_name\": %s}"};

    @Test
    void acceptedLinesReadAsJacksonReadsThem() throws Exception {
        long seed = 1130L;
        Random random = new Random(seed);
        PileLineParser parser = new PileLineParser();
        int accepted = 0;
        for (int round = 0; round < 20000; round++) {
            byte[] line = mutate(randomLine(random).getBytes(StandardCharsets.UTF_8), random);
            if (!parser.parse(line, line.length)) {
                continue;
            }
            accepted++;
            String context = "seed " + seed + ", round " + round + ": " + new String(line, StandardCharsets.UTF_8);
            StrictUtf8.Result decoded = new StrictUtf8().decode(line, 0, line.length);
            assertTrue(decoded.ok(), context);
            // A lone surrogate escape is a malformed record, which only the general path words (until 2026-12-07
            // the fast path took it as a lone char, which became a '?').
            assertEquals(null, JsonSurrogates.loneSurrogate(decoded.text()), context);
            JsonNode node = JSON.readTree(decoded.text());
            assertEquals(node.get("text").asText(), parser.text, context);
            JsonNode meta = node.path("meta");
            assertEquals(text(meta, "pile_set_name"), parser.pileSetName, context);
            assertEquals(text(meta, "source"), parser.source, context);
            assertEquals(text(meta, "licence"), parser.licence, context);
            assertEquals(text(meta, "license"), parser.license, context);
        }
        assertTrue(accepted > 2000, "only " + accepted + " lines took the fast path; the test checks too little");
    }

    private static String text(JsonNode meta, String field) {
        JsonNode v = meta.get(field);
        return v == null ? null : v.asText();
    }

    private static String randomLine(Random random) {
        StringBuilder b = new StringBuilder(random.nextInt(8) == 0 ? " {" : "{");
        int fields = random.nextInt(4);
        b.append(String.format("\"text\": %s", randomString(random)));
        for (int i = 0; i < fields; i++) {
            String f = FIELDS[random.nextInt(FIELDS.length)];
            b.append(random.nextBoolean() ? ", " : ",").append(String.format(f, randomString(random),
                    randomString(random)));
        }
        b.append(random.nextInt(10) == 0 ? "} " : "}");
        if (random.nextInt(20) == 0) {
            b.append("x");
        }
        return b.toString();
    }

    private static String randomString(Random random) {
        StringBuilder b = new StringBuilder("\"");
        int parts = random.nextInt(6);
        for (int i = 0; i < parts; i++) {
            b.append(TEXT_PARTS[random.nextInt(TEXT_PARTS.length)]);
        }
        return b.append('"').toString();
    }

    /** Sometimes replaces or drops a byte, so invalid UTF-8 and broken syntax occur. */
    private static byte[] mutate(byte[] line, Random random) {
        if (random.nextInt(4) != 0 || line.length == 0) {
            return line;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(line.length);
        for (int i = 0; i < line.length; i++) {
            if (i != at) {
                out.write(line[i]);
            } else if (random.nextBoolean()) {
                out.write(0x80 + random.nextInt(0x80));
            }
        }
        return out.toByteArray();
    }
}
