package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** {@link PythonRandom} against values printed by CPython 3.11 ({@code python-random.txt}). */
class PythonRandomTest {

    @Test
    void everyFixtureLineMatchesCPython() {
        List<PythonFixture> lines = PythonFixture.lines(null).stream().filter(f -> !f.call().get(0).equals("harness")).toList();
        Set<String> methods = lines.stream().map(f -> f.call().get(1)).collect(Collectors.toSet());
        assertEquals(Set.of("random", "getrandbits", "randrange", "shuffle", "sample", "chain"), methods);
        Set<Long> seeds = lines.stream().map(f -> Long.parseLong(f.call().get(0))).collect(Collectors.toSet());
        assertTrue(seeds.containsAll(Set.of(42L, 1234L, 0L, -7L, (1L << 32) + 5, Long.MAX_VALUE)), seeds.toString());
        for (PythonFixture f : lines) {
            assertSameWords(f.result(), run(f.call()), f.toString());
        }
    }

    /** Word by word; floats (Python repr) are compared as doubles, bit for bit. */
    private static void assertSameWords(String expected, String actual, String what) {
        String[] e = expected.split(" ");
        String[] a = actual.split(" ");
        assertEquals(e.length, a.length, what + ": " + actual);
        for (int i = 0; i < e.length; i++) {
            if (e[i].contains(".") || e[i].contains("e")) {
                assertEquals(Double.parseDouble(e[i]), Double.parseDouble(a[i]), what + " word " + i);
            } else {
                assertEquals(e[i], a[i], what + " word " + i + ": " + actual);
            }
        }
    }

    /** Replays one fixture line on a fresh generator and prints the result as Python printed it. */
    private static String run(List<String> call) {
        PythonRandom r = new PythonRandom(Long.parseLong(call.get(0)));
        List<String> args = call.subList(2, call.size());
        List<String> out = new ArrayList<>();
        switch (call.get(1)) {
            case "random" -> {
                for (int i = 0; i < 8; i++) {
                    out.add(pythonRepr(r.random()));
                }
            }
            case "getrandbits" -> args.forEach(k -> out.add(Long.toUnsignedString(r.getrandbits(Integer.parseInt(k)))));
            case "randrange" -> {
                if (args.size() == 1) {
                    long stop = Long.parseLong(args.get(0));
                    int calls = stop == 1 ? 3 : 12;
                    for (int i = 0; i < calls; i++) {
                        out.add(Long.toString(r.randrange(stop)));
                    }
                } else {
                    long start = Long.parseLong(args.get(0));
                    long stop = Long.parseLong(args.get(1));
                    int calls = stop > Integer.MAX_VALUE * 4L ? 4 : 6;
                    for (int i = 0; i < calls; i++) {
                        out.add(Long.toString(r.randrange(start, stop)));
                    }
                }
            }
            case "shuffle" -> {
                List<Integer> x = range(Integer.parseInt(args.get(0)));
                r.shuffle(x);
                return join(x);
            }
            case "sample" -> {
                return join(r.sample(range(Integer.parseInt(args.get(0))), Integer.parseInt(args.get(1))));
            }
            case "chain" -> {
                List<Integer> x = range(12);
                r.shuffle(x);
                return join(x) + " | " + join(r.sample(range(40), 5)) + " | " + pythonRepr(r.random()) + " | " + r.getrandbits(45);
            }
            default -> throw new IllegalArgumentException("unknown fixture method " + call);
        }
        return String.join(" ", out);
    }

    private static String pythonRepr(double v) {
        return Double.toString(v);
    }

    private static List<Integer> range(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    @Test
    void sampleSwitchesAlgorithmWhereCPythonDoes() {
        // setsize = 21, plus 4 ** ceil(log(3k, 4)) for k > 5: 85 for k in 6..21, 277 for 22..85.
        assertTrue(PythonRandom.usesPool(21, 5));
        assertFalse(PythonRandom.usesPool(22, 5));
        assertTrue(PythonRandom.usesPool(85, 6));
        assertFalse(PythonRandom.usesPool(86, 6));
        assertTrue(PythonRandom.usesPool(85, 21));
        assertTrue(PythonRandom.usesPool(277, 22));
        assertFalse(PythonRandom.usesPool(278, 22));
    }

    @Test
    void rejectsWhatPythonRejects() {
        PythonRandom r = new PythonRandom(42);
        assertThrows(IllegalArgumentException.class, () -> r.sample(List.of(1, 2), 3));
        assertThrows(IllegalArgumentException.class, () -> r.sample(List.of(1, 2), -1));
        assertThrows(IllegalArgumentException.class, () -> r.randrange(0));
        assertThrows(IllegalArgumentException.class, () -> r.randrange(5, 5));
        assertThrows(IllegalArgumentException.class, () -> r.getrandbits(65));
    }

    @Test
    void reseedingRestartsTheSequence() {
        PythonRandom r = new PythonRandom(1234);
        double first = r.random();
        r.random();
        r.seed(1234);
        assertEquals(first, r.random());
        assertEquals(new PythonRandom(-1234).random(), first, "Python seeds with |seed|");
    }
}
