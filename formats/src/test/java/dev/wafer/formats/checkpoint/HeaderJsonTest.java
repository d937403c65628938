package dev.wafer.formats.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The checkpoint header's own JSON writes what Jackson wrote (random strings of every kind of UTF-16 code unit,
 * random doubles, ints and longs, compared byte for byte), reads back what it writes and
 * refuses what is not JSON.
 */
class HeaderJsonTest {
    private static final long SEED = 20261204L;
    private static final ObjectMapper JACKSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static String randomString(SplittableRandom rng) {
        StringBuilder sb = new StringBuilder();
        int n = rng.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (rng.nextInt(5)) {
                case 0 -> sb.append((char) rng.nextInt(0x20)); // control characters
                case 1 -> sb.append("\"\\/<>&'\u007f".charAt(rng.nextInt(8)));
                case 2 -> sb.append((char) (0xD800 + rng.nextInt(0x800))); // surrogates, paired or lone
                case 3 -> sb.append((char) rng.nextInt(0x20, 0xD800));
                default -> sb.append((char) rng.nextInt(0x20, 0x7f));
            }
        }
        return sb.toString();
    }

    private static double randomDouble(SplittableRandom rng) {
        return switch (rng.nextInt(4)) {
            case 0 -> rng.nextDouble();
            case 1 -> Double.longBitsToDouble(rng.nextLong());
            case 2 -> rng.nextInt(-1000, 1000) * Math.pow(10, rng.nextInt(-20, 20));
            default -> -0.0;
        };
    }

    @Test
    void writesWhatJacksonWrote() throws Exception {
        SplittableRandom rng = new SplittableRandom(SEED);
        for (int round = 0; round < 2000; round++) {
            Map<String, Object> ours = new LinkedHashMap<>();
            ObjectNode theirs = JACKSON.createObjectNode();
            List<Object> list = new ArrayList<>();
            ArrayNode array = theirs.putArray("list");
            ours.put("list", list);
            for (int i = 0; i < 6; i++) {
                String key = randomString(rng);
                String text = randomString(rng);
                double d = randomDouble(rng);
                long l = rng.nextLong();
                int k = rng.nextInt();
                ours.put(key + "s", text);
                theirs.put(key + "s", text);
                ours.put(key + "d", d);
                theirs.put(key + "d", d);
                ours.put(key + "l", l);
                theirs.put(key + "l", l);
                list.add(k);
                array.add(k);
                ours.put(key + "b", k % 2 == 0);
                theirs.put(key + "b", k % 2 == 0);
            }
            assertArrayEquals(JACKSON.writeValueAsBytes(theirs), HeaderJson.write(ours),
                    () -> "seed " + SEED + ": " + new String(HeaderJson.write(ours), StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsBackWhatItWrites() throws Exception {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        for (int round = 0; round < 500; round++) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("s", randomString(rng));
            value.put("d", randomDouble(rng));
            value.put("l", rng.nextLong());
            value.put("n", HeaderJson.NULL);
            value.put("a", List.of(1L, List.of(), Map.of(), true, false));
            Object back = HeaderJson.parse(HeaderJson.write(value));
            assertEquals(HeaderJson.toText(value), HeaderJson.toText(back), "seed " + (SEED + 1));
        }
        Object parsed = HeaderJson.parse("{\"x\": [1, -2.5e3, 1E2, 123456789012345678901234567890, \"\\u00e9\\n\"]}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(1L, -2500.0, 100.0, new java.math.BigInteger("123456789012345678901234567890"), "\u00e9\n"),
                ((Map<?, ?>) parsed).get("x"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1 2]", "{'a':1}", "01", "1.", "-", "[1e]", "tru",
            "\"\u0001\"", "\"\\x\"", "{\"a\" 1}", "{} {}", "NaN", "[" .repeat(2000) + "]".repeat(2000)}) {
            assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse(bad.getBytes(StandardCharsets.UTF_8)),
                    bad.length() > 20 ? bad.substring(0, 20) : bad);
        }
        assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse(new byte[] {'"', (byte) 0xC3, '"'}));
    }
}
