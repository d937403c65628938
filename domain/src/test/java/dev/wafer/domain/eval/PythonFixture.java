package dev.wafer.domain.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines of {@code python-random.txt}, printed by CPython (conformance/golden/make_fewshot_fixtures.py):
 * {@code <call words> = <result words>}.
 */
record PythonFixture(List<String> call, String result) {
    static List<PythonFixture> lines(String prefix) {
        List<PythonFixture> out = new ArrayList<>();
        try (InputStream in = PythonFixture.class.getResourceAsStream("python-random.txt")) {
            if (in == null) {
                throw new IllegalStateException("python-random.txt missing from the test classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int eq = line.indexOf(" = ");
                PythonFixture f = new PythonFixture(Arrays.asList(line.substring(0, eq).split(" ")), line.substring(eq + 3));
                if (f.call.get(0).equals(prefix) || prefix == null) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no fixture lines for " + prefix);
        }
        return out;
    }

    /** The result as space-separated words. */
    List<String> results() {
        return result.isEmpty() ? List.of() : Arrays.asList(result.split(" "));
    }

    @Override
    public String toString() {
        return String.join(" ", call);
    }
}
