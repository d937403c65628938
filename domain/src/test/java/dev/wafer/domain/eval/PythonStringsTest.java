package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonStrings} against CPython's answers in {@code python-strings.txt} (written by
 * {@code make_python_strings.py} beside it): every code point Python's {@code isspace} accepts, every one
 * {@code capitalize} changes alone or after another letter, final-sigma contexts, {@code strip} and HellaSwag's
 * bracket pattern.
 */
class PythonStringsTest {
    private record Line(String op, String in, String out) {
    }

    private static String decode(String hex) {
        if (hex.equals("-")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String h : hex.trim().split(" ")) {
            sb.appendCodePoint(Integer.parseInt(h, 16));
        }
        return sb.toString();
    }

    private static List<String> raw() throws IOException {
        try (InputStream in = PythonStringsTest.class.getResourceAsStream("python-strings.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
    }

    private static List<Line> lines(String op) throws IOException {
        List<Line> out = new ArrayList<>();
        for (String l : raw()) {
            if (l.startsWith(op + " ")) {
                int eq = l.indexOf(" = ");
                out.add(new Line(op, decode(l.substring(op.length() + 1, eq)), decode(l.substring(eq + 3))));
            }
        }
        assertTrue(!out.isEmpty(), "no fixture lines for " + op);
        return out;
    }

    /** Code points this Python's Unicode does not assign (a newer Java may give them case mappings). */
    private static BitSet unassigned() throws IOException {
        BitSet out = new BitSet(0x110000);
        for (String l : raw()) {
            if (l.startsWith("unassigned ")) {
                for (String r : l.substring(11).split(" ")) {
                    String[] ab = r.split("-");
                    out.set(Integer.parseInt(ab[0], 16), Integer.parseInt(ab[1], 16) + 1);
                }
            }
        }
        return out;
    }

    @Test
    void isSpaceIsPythonsOnEveryCodePoint() throws IOException {
        Set<Integer> spaces = new HashSet<>();
        lines("isspace").get(0).out().codePoints().forEach(spaces::add);
        assertEquals(29, spaces.size());
        for (int cp = 0; cp < 0x110000; cp++) {
            assertEquals(spaces.contains(cp), PythonStrings.isSpace(cp), "isspace U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void capitalizeIsPythonsOnEveryCodePointAloneAndAfterALetter() throws IOException {
        // Java's Unicode is newer than the fixture's: a character may have gained a case partner since (U+019B's
        // upper case U+A7DC is Unicode 16). Those answers name a character the fixture's Unicode does not assign.
        BitSet newer = unassigned();
        Set<String> changed = new HashSet<>();
        int compared = 0;
        for (Line l : lines("capitalize")) {
            changed.add(l.in());
            String got = PythonStrings.capitalize(l.in());
            if (!got.codePoints().anyMatch(newer::get)) {
                assertEquals(l.out(), got, () -> "capitalize " + hex(l.in()));
                compared++;
            }
        }
        assertTrue(compared > 2800, "only " + compared + " fixture lines compared");
        // Every other character is left alone, first or after "a", as Python leaves it.
        for (int cp = 0; cp < 0x110000; cp++) {
            if (newer.get(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) {
                continue;
            }
            String c = new String(Character.toChars(cp));
            String first = PythonStrings.capitalize(c);
            if (!changed.contains(c) && !first.codePoints().anyMatch(newer::get)) {
                assertEquals(c, first, "capitalize " + hex(c));
            }
            String rest = PythonStrings.capitalize("a" + c);
            if (!changed.contains("a" + c) && !rest.codePoints().anyMatch(newer::get)) {
                assertEquals("A" + c, rest, "capitalize " + hex("a" + c));
            }
        }
    }

    @Test
    void stripRemovesWhatPythonRemoves() throws IOException {
        for (Line l : lines("strip")) {
            assertEquals(l.out(), PythonStrings.strip(l.in()), () -> "strip " + hex(l.in()));
        }
    }

    @Test
    void dotMatchesAllButNewlineAsInPythonsRe() throws IOException {
        for (Line l : lines("brackets")) {
            assertEquals(l.out(), PythonStrings.pattern("\\[.*?\\]").matcher(l.in()).replaceAll(""), () -> "re.sub " + hex(l.in()));
        }
    }

    /** Python 3.11's {@code int(s)} on each string (None: ValueError or outside a Java int), printed by CPython. */
    @Test
    void parseIntIsPythonsInt() {
        String[][] cases = {
            {"3", "3"}, {" 2", "2"}, {"+2", "2"}, {"-1", "-1"}, {"0_2", "2"}, {"1__2", null}, {"_1", null}, {"1_", null},
            {"\u0662", "2"}, {"\u0661\u0662", "12"}, {"\u00a02\u2003", "2"}, {"2.0", null}, {"", null}, {"+", null},
            {"0x1", null}, {"\u0968", "2"}, {"\uD835\uDFD0", "2"}, {"2147483647", "2147483647"}, {"2147483648", null},
            {"-2147483648", "-2147483648"}, {"-2147483649", null}, {"\u216b", null}, {"\u00b2", null}, {"- 1", null},
            {"00012", "12"}, {"\u00851\u0085", "1"},
        };
        for (String[] c : cases) {
            java.util.OptionalInt got = PythonStrings.parseInt(c[0]);
            assertEquals(c[1], got.isPresent() ? String.valueOf(got.getAsInt()) : null, "int(" + c[0] + ")");
        }
    }

    @Test
    void lenCountsCodePoints() {
        assertEquals(3, PythonStrings.len("a\uD83D\uDE00b"));
    }

    private static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(String.format("%04x ", c)));
        return sb.toString().trim();
    }
}
