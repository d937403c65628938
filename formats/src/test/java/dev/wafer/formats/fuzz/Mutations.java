package dev.wafer.formats.fuzz;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Seeded mutations of untrusted inputs, shared by the fuzz tests: byte-level damage (bit flips, insertions,
 * deletions, truncation, extension, overwritten little-endian fields) and JSON-level edits (removed or duplicated
 * fields, values of the wrong type, negative, huge, non-finite or empty values, deep nesting). Every mutation
 * draws only from the {@link SplittableRandom} it is given and describes itself, so a failing case names what was
 * done and can be replayed from its seed.
 */
public final class Mutations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Integers that break size arithmetic: signs, int and long limits, powers of two, a 2 GiB-and-more count. */
    static final long[] INTERESTING_LONGS = {0, 1, -1, 2, 63, 64, 65, 255, 256, 65535, 65536, 65537,
        Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1, Integer.MIN_VALUE, 0xFFFF_FFFFL, 1L << 31, 1L << 32,
        1L << 40, 1L << 53, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -64, 1L << 61, (1L << 62) + 1};

    /** A mutated input and what was done to it. */
    public record Mutant(String description, byte[] bytes) {
    }

    /** A little-endian integer field of a binary header: where it is and how wide (4 or 8 bytes). */
    public record Field(String name, int offset, int width) {
    }

    private Mutations() {
    }

    // ---------------------------------------------------------------- bytes

    /**
     * One to three random byte-level mutations of {@code base}; {@code fields} (may be empty) are header fields
     * that numeric edits target half of the time.
     */
    public static Mutant bytes(SplittableRandom rng, byte[] base, List<Field> fields) {
        byte[] b = base;
        StringBuilder what = new StringBuilder();
        int n = 1 + rng.nextInt(3);
        for (int i = 0; i < n; i++) {
            Mutant m = oneByteMutation(rng, b, fields);
            b = m.bytes();
            what.append(i == 0 ? "" : " + ").append(m.description());
        }
        return new Mutant(what.toString(), b);
    }

    private static Mutant oneByteMutation(SplittableRandom rng, byte[] b, List<Field> fields) {
        int kind = rng.nextInt(10);
        if (b.length == 0) {
            kind = 4; // only extension makes sense
        }
        switch (kind) {
            case 0 -> {
                int flips = 1 + rng.nextInt(4);
                byte[] out = b.clone();
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < flips; i++) {
                    int pos = position(rng, out.length);
                    int bit = rng.nextInt(8);
                    out[pos] ^= (byte) (1 << bit);
                    at.append(i == 0 ? "" : ",").append(pos).append('.').append(bit);
                }
                return new Mutant("flip bits " + at, out);
            }
            case 1 -> {
                byte[] out = b.clone();
                int pos = position(rng, out.length);
                int value = rng.nextInt(256);
                out[pos] = (byte) value;
                return new Mutant("set byte " + pos + "=" + value, out);
            }
            case 2 -> {
                int pos = rng.nextInt(b.length + 1);
                byte[] ins = randomBytes(rng, 1 + rng.nextInt(rng.nextBoolean() ? 4 : 200));
                return new Mutant("insert " + ins.length + " bytes at " + pos, splice(b, pos, 0, ins));
            }
            case 3 -> {
                int pos = rng.nextInt(b.length);
                int len = 1 + rng.nextInt(Math.min(b.length - pos, rng.nextBoolean() ? 4 : 512));
                return new Mutant("delete " + len + " bytes at " + pos, splice(b, pos, len, new byte[0]));
            }
            case 4 -> {
                int len = 1 + rng.nextInt(rng.nextBoolean() ? 8 : 4096);
                byte[] tail = rng.nextBoolean() ? new byte[len] : randomBytes(rng, len);
                return new Mutant("append " + len + " bytes", splice(b, b.length, 0, tail));
            }
            case 5 -> {
                int len = rng.nextInt(b.length);
                return new Mutant("truncate to " + len + " bytes", Arrays.copyOf(b, len));
            }
            case 6 -> {
                int from = rng.nextInt(b.length);
                int len = 1 + rng.nextInt(Math.min(b.length - from, 256));
                int to = rng.nextInt(b.length + 1);
                return new Mutant("copy " + len + " bytes from " + from + " to " + to,
                        splice(b, to, 0, Arrays.copyOfRange(b, from, from + len)));
            }
            default -> {
                Field f = !fields.isEmpty() && rng.nextBoolean() ? fields.get(rng.nextInt(fields.size()))
                        : new Field("offset", position(rng, b.length), rng.nextBoolean() ? 4 : 8);
                return setField(rng, b, f);
            }
        }
    }

    /** Overwrites a little-endian field with an interesting value, or nudges its current value. */
    public static Mutant setField(SplittableRandom rng, byte[] b, Field f) {
        if (f.offset() + f.width() > b.length) {
            return new Mutant("field " + f.name() + " beyond the end (unchanged)", b);
        }
        ByteBuffer buf = ByteBuffer.wrap(b.clone()).order(ByteOrder.LITTLE_ENDIAN);
        long old = f.width() == 4 ? buf.getInt(f.offset()) : buf.getLong(f.offset());
        long value = switch (rng.nextInt(4)) {
            case 0 -> old + (rng.nextBoolean() ? 1 : -1);
            case 1 -> old * 2;
            case 2 -> -old;
            default -> INTERESTING_LONGS[rng.nextInt(INTERESTING_LONGS.length)];
        };
        if (f.width() == 4) {
            buf.putInt(f.offset(), (int) value);
        } else {
            buf.putLong(f.offset(), value);
        }
        return new Mutant("set " + f.name() + "@" + f.offset() + " from " + old + " to "
                + (f.width() == 4 ? (int) value : value), buf.array());
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    static byte[] randomBytes(SplittableRandom rng, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) rng.nextInt(256);
        }
        return out;
    }

    /** Positions near the start (headers) are drawn more often than the rest. */
    private static int position(SplittableRandom rng, int length) {
        return rng.nextInt(4) == 0 ? rng.nextInt(Math.min(length, 128)) : rng.nextInt(length);
    }

    // ---------------------------------------------------------------- JSON

    /** Parses JSON that a test wrote itself. */
    public static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("test input is not JSON", e);
        }
    }

    /** Serialises a (possibly mutated) tree. */
    public static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One to three structural edits of a copy of {@code root} at randomly chosen places (any depth), serialised;
     * one time in eight a text-level edit instead (an unparseable token, deep nesting, a cut), so the parser's own
     * errors are reached too.
     */
    public static Mutant json(SplittableRandom rng, JsonNode root) {
        if (rng.nextInt(8) == 0) {
            return jsonText(rng, write(root));
        }
        JsonNode copy = root.deepCopy();
        StringBuilder what = new StringBuilder();
        int n = 1 + rng.nextInt(3);
        for (int i = 0; i < n; i++) {
            what.append(i == 0 ? "" : " + ").append(editTree(rng, copy));
        }
        return new Mutant(what.toString(), write(copy));
    }

    /**
     * JSON Lines with one to three lines edited by {@link #json}; one time in eight a whole line is dropped,
     * duplicated or replaced by a blank one instead.
     */
    public static Mutant jsonLines(SplittableRandom rng, List<JsonNode> lines) {
        List<byte[]> out = new ArrayList<>();
        for (JsonNode line : lines) {
            out.add(write(line));
        }
        StringBuilder what = new StringBuilder();
        int n = 1 + rng.nextInt(3);
        for (int k = 0; k < n; k++) {
            int i = rng.nextInt(out.size());
            if (rng.nextInt(8) == 0) {
                int op = rng.nextInt(3);
                if (op == 0 && out.size() > 1) {
                    out.remove(i);
                    what.append(k == 0 ? "" : " + ").append("drop line ").append(i + 1);
                } else if (op == 1) {
                    out.add(i, out.get(i));
                    what.append(k == 0 ? "" : " + ").append("duplicate line ").append(i + 1);
                } else {
                    out.set(i, " \t".getBytes(StandardCharsets.UTF_8));
                    what.append(k == 0 ? "" : " + ").append("blank line ").append(i + 1);
                }
                continue;
            }
            Mutant m = i < lines.size() && rng.nextInt(4) != 0 ? json(rng, lines.get(i)) : jsonText(rng, out.get(i));
            out.set(i, m.bytes());
            what.append(k == 0 ? "" : " + ").append("line ").append(i + 1).append(": ").append(m.description());
        }
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (byte[] line : out) {
            joined.writeBytes(line);
            joined.write('\n');
        }
        return new Mutant(what.toString(), joined.toByteArray());
    }

    /** Parses JSON Lines that a test wrote itself. */
    public static List<JsonNode> parseLines(byte[] jsonl) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(parse(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return lines;
    }

    /** A text-level edit of serialised JSON: a token JSON forbids, nesting beyond any parser's limit, a cut. */
    public static Mutant jsonText(SplittableRandom rng, byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        List<int[]> numbers = numberSpans(text);
        int kind = rng.nextInt(6);
        if (kind == 0 && !numbers.isEmpty()) {
            int[] span = numbers.get(rng.nextInt(numbers.size()));
            String[] tokens = {"NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "99999999999999999999999999",
                "-0", "0x10", "01", "1.", ".5", "+1", "1e", "--1"};
            String token = tokens[rng.nextInt(tokens.length)];
            return new Mutant("number at " + span[0] + " -> " + token,
                    (text.substring(0, span[0]) + token + text.substring(span[1])).getBytes(StandardCharsets.UTF_8));
        }
        if (kind == 1) {
            int depth = rng.nextBoolean() ? 1_001 : 10_000; // beyond the parser's nesting limit of 1000
            String open = rng.nextBoolean() ? "[" : "{\"a\":";
            return new Mutant("prefix " + depth + " x " + open, (open.repeat(depth) + text).getBytes(StandardCharsets.UTF_8));
        }
        if (kind == 2) {
            int cut = rng.nextInt(json.length + 1);
            return new Mutant("cut JSON at " + cut, Arrays.copyOf(json, cut));
        }
        if (kind == 3) {
            String[] junk = {"\u0000", "\uFEFF", "\"", "}", "]", ",", ":", "//", "/*", "'", "\\", "\n", "\r", "\t",
                "\u2028", "null", "{}", "[]", "\uD800"};
            String j = junk[rng.nextInt(junk.length)];
            int at = rng.nextInt(text.length() + 1);
            return new Mutant("insert " + escape(j) + " at char " + at,
                    (text.substring(0, at) + j + text.substring(at)).getBytes(StandardCharsets.UTF_8));
        }
        if (kind == 4) {
            return new Mutant("trailing junk", (text + (rng.nextBoolean() ? " {}" : "x")).getBytes(StandardCharsets.UTF_8));
        }
        return new Mutant("empty", new byte[0]);
    }

    /** One structural edit of {@code root} in place, at any depth; returns its description. */
    public static String editTree(SplittableRandom rng, JsonNode root) {
        List<String> paths = new ArrayList<>();
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, "", paths, parents, keys);
        if (paths.isEmpty()) {
            return "no-op (nothing to edit)";
        }
        int i = rng.nextInt(paths.size());
        String path = paths.get(i);
        JsonNode parent = parents.get(i);
        Object key = keys.get(i);
        JsonNode current = key instanceof String s ? parent.get(s) : parent.get((Integer) key);
        int kind = rng.nextInt(10);
        if (kind == 0) {
            if (parent instanceof ObjectNode o) {
                o.remove((String) key);
            } else {
                ((ArrayNode) parent).remove((Integer) key);
            }
            return "remove " + path;
        }
        if (kind == 1 && current.isNumber()) {
            JsonNode v = numericEdit(rng, current);
            replace(parent, key, v);
            return "number " + path + " " + current + " -> " + v;
        }
        if (kind == 2 && current.isArray()) {
            ArrayNode a = (ArrayNode) current;
            int op = rng.nextInt(3);
            if (op == 0) {
                a.removeAll();
                return "empty array " + path;
            }
            if (op == 1 && !a.isEmpty()) {
                int copies = rng.nextBoolean() ? 1 : 1000;
                JsonNode e = a.get(rng.nextInt(a.size()));
                for (int c = 0; c < copies; c++) {
                    a.add(e.deepCopy());
                }
                return "append " + copies + " copies of an element to " + path;
            }
            a.add(randomValue(rng));
            return "append a value to " + path;
        }
        if (kind == 3 && current.isTextual()) {
            String[] texts = {"", " ", "a\nb", "\u0000", "x".repeat(10_000), "NaN", "-1", "F16", "\uD83D\uDE00",
                current.asText() + current.asText(), current.asText().toUpperCase(java.util.Locale.ROOT)};
            String t = texts[rng.nextInt(texts.length)];
            replace(parent, key, NODES.textNode(t));
            return "text " + path + " -> " + escape(t.length() > 40 ? t.substring(0, 40) + "..." : t);
        }
        if (kind == 4 && parent instanceof ObjectNode o) {
            o.set("fuzz_" + rng.nextInt(100), randomValue(rng));
            return "add an unknown field next to " + path;
        }
        if (kind == 5) {
            ArrayNode wrapped = NODES.arrayNode().add(current.deepCopy());
            replace(parent, key, wrapped);
            return "wrap " + path + " in an array";
        }
        JsonNode v = randomValue(rng);
        replace(parent, key, v);
        return "replace " + path + " with " + abbreviate(v);
    }

    private static JsonNode numericEdit(SplittableRandom rng, JsonNode n) {
        return switch (rng.nextInt(9)) {
            case 0 -> NODES.numberNode(-n.asLong());
            case 1 -> NODES.numberNode(n.asLong() + (rng.nextBoolean() ? 1 : -1));
            case 2 -> NODES.numberNode(n.asLong() * 2);
            case 3 -> NODES.numberNode(n.asDouble() + 0.5);
            case 4 -> NODES.numberNode(n.asDouble() * 1e300);
            case 5 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 6 -> NODES.numberNode(rng.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE);
            default -> NODES.numberNode(INTERESTING_LONGS[rng.nextInt(INTERESTING_LONGS.length)]);
        };
    }

    /** A value of any JSON type, biased towards ones that break validation. */
    static JsonNode randomValue(SplittableRandom rng) {
        return switch (rng.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(rng.nextBoolean());
            case 2 -> NODES.textNode("fuzz");
            case 3 -> NODES.textNode("");
            case 4 -> NODES.numberNode(INTERESTING_LONGS[rng.nextInt(INTERESTING_LONGS.length)]);
            case 5 -> NODES.numberNode(rng.nextBoolean() ? 1.5 : -2.25);
            case 6 -> NODES.numberNode(1e300);
            case 7 -> NODES.arrayNode();
            case 8 -> NODES.objectNode();
            case 9 -> {
                // A tensor-shape-like array: a declared size far beyond any test file.
                ArrayNode a = NODES.arrayNode();
                a.add(65536).add(65536).add(rng.nextBoolean() ? 65536 : Integer.MAX_VALUE);
                yield a;
            }
            case 10 -> NODES.arrayNode().add(1).add("x").add(NODES.nullNode());
            case 11 -> NODES.numberNode(new BigInteger("-98765432109876543210987654321"));
            case 12 -> NODES.textNode("line one\nline two");
            default -> NODES.numberNode(rng.nextInt(5) - 1);
        };
    }

    private static void collect(JsonNode node, String path, List<String> paths, List<JsonNode> parents,
            List<Object> keys) {
        if (node instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
                String f = it.next();
                String p = path + "." + f;
                paths.add(p);
                parents.add(o);
                keys.add(f);
                collect(o.get(f), p, paths, parents, keys);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                String p = path + "[" + i + "]";
                paths.add(p);
                parents.add(a);
                keys.add(i);
                collect(a.get(i), p, paths, parents, keys);
            }
        }
    }

    private static void replace(JsonNode parent, Object key, JsonNode value) {
        if (parent instanceof ObjectNode o) {
            o.set((String) key, value);
        } else {
            ((ArrayNode) parent).set((Integer) key, value);
        }
    }

    private static List<int[]> numberSpans(String text) {
        List<int[]> spans = new ArrayList<>();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int start = i;
                while (i + 1 < text.length() && "+-0123456789.eE".indexOf(text.charAt(i + 1)) >= 0) {
                    i++;
                }
                spans.add(new int[] {start, i + 1});
            }
        }
        return spans;
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            sb.append(c < 32 || c > 126 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('"').toString();
    }
}
