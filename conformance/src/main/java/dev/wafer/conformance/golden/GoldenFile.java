package dev.wafer.conformance.golden;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden case: {@code <case>.bin} (little-endian float32/int32 arrays back to back) and {@code <case>.idx}
 * (lines {@code name dtype offset count dims...}), read from the classpath.
 */
public final class GoldenFile {
    private record Entry(String dtype, int offset, int count, int[] shape) {
    }

    private final String name;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final ByteBuffer data;

    private GoldenFile(String name, Map<String, Entry> entries, ByteBuffer data) {
        this.name = name;
        this.entries.putAll(entries);
        this.data = data;
    }

    /** Loads {@code tiny_sp}, {@code tiny_mup}, ... from {@code /dev/wafer/conformance/golden/}. */
    public static GoldenFile load(String caseName) {
        String base = "/dev/wafer/conformance/golden/" + caseName;
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream idx = open(base + ".idx");
             BufferedReader r = new BufferedReader(new InputStreamReader(idx, StandardCharsets.UTF_8));
             InputStream bin = open(base + ".bin")) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                int[] shape = new int[f.length - 4];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = Integer.parseInt(f[4 + i]);
                }
                entries.put(f[0], new Entry(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), shape));
            }
            ByteBuffer data = ByteBuffer.wrap(bin.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            return new GoldenFile(caseName, entries, data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden case " + caseName, e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = GoldenFile.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("missing resource " + resource + "; run conformance/golden/make_golden.py");
        }
        return in;
    }

    /** The case name. */
    public String name() {
        return name;
    }

    /** Every array name, in file order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /** The shape of array {@code key}. */
    public int[] shape(String key) {
        return entry(key).shape.clone();
    }

    /** A float32 array. */
    public float[] floats(String key) {
        Entry e = entry(key);
        if (!e.dtype.equals("f32")) {
            throw new IllegalArgumentException(key + " is " + e.dtype + ", not f32");
        }
        float[] out = new float[e.count];
        for (int i = 0; i < e.count; i++) {
            out[i] = data.getFloat(4 * (e.offset + i));
        }
        return out;
    }

    /** An int32 array. */
    public int[] ints(String key) {
        Entry e = entry(key);
        if (!e.dtype.equals("i32")) {
            throw new IllegalArgumentException(key + " is " + e.dtype + ", not i32");
        }
        int[] out = new int[e.count];
        for (int i = 0; i < e.count; i++) {
            out[i] = data.getInt(4 * (e.offset + i));
        }
        return out;
    }

    private Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("golden case " + name + " has no array " + key);
        }
        return e;
    }
}
