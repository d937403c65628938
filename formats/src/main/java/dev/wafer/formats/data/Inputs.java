package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import dev.wafer.ports.data.DocumentSource;

/**
 * Turns command-line input paths into document sources. {@code *.jsonl}, {@code *.jsonl.zst} and
 * {@code *.json.zst} are Pile JSON Lines; other files are one plain-text document each; directories are walked
 * in sorted path order (hidden files skipped) so that preparation is reproducible.
 */
public final class Inputs {
    /** Classpath location of the embedded default corpus (copied from {@code data/sample} at build time). */
    public static final String SAMPLE_RESOURCE = "/dev/wafer/formats/data/sample/sample.jsonl.zst";

    private Inputs() {
    }

    /**
     * Resolves paths.
     *
     * @throws InvalidInputException naming the path when it does not exist or a directory holds no files
     */
    public static List<DocumentSource> resolve(List<Path> paths, LongConsumer bytesRead) throws IOException {
        List<DocumentSource> sources = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new InvalidInputException("--input " + p + ": no such file or directory");
            }
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(p)) {
                    files = walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new InvalidInputException("--input " + p + ": directory holds no files");
                }
                files.forEach(f -> sources.add(of(f, bytesRead)));
            } else {
                sources.add(of(p, bytesRead));
            }
        }
        return sources;
    }

    /** The embedded default corpus. */
    public static DocumentSource sample(LongConsumer bytesRead) {
        if (Inputs.class.getResource(SAMPLE_RESOURCE) == null) {
            throw new IllegalStateException("the embedded sample corpus " + SAMPLE_RESOURCE
                    + " is missing from the jar; rebuild with data/sample present");
        }
        return new PileJsonlSource("embedded:sample.jsonl.zst", -1, () -> {
            InputStream in = Inputs.class.getResourceAsStream(SAMPLE_RESOURCE);
            if (in == null) {
                throw new IOException("embedded sample corpus missing: " + SAMPLE_RESOURCE);
            }
            return in;
        }, bytesRead);
    }

    static boolean isJsonLines(String name) {
        return name.endsWith(".jsonl") || name.endsWith(".jsonl.zst") || name.endsWith(".json.zst");
    }

    private static DocumentSource of(Path file, LongConsumer bytesRead) {
        String name = file.getFileName().toString();
        if (isJsonLines(name)) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = -1;
            }
            return new PileJsonlSource(file.toString(), size, () -> Files.newInputStream(file), bytesRead);
        }
        return new TextFileSource(file, bytesRead);
    }
}
