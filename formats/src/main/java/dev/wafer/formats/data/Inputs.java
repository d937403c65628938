package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.UnreadableInputException;

/**
 * Turns command-line input paths into document sources. {@code *.jsonl}, {@code *.json} and their {@code .zst}
 * forms are Pile JSON Lines; other files are one plain-text document each; directories are walked
 * in sorted path order (hidden entries skipped, any other entry that is not a regular file refused) so that
 * preparation is reproducible.
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
        return resolve(paths, bytesRead, null);
    }

    /**
     * Resolves paths for a preparation that writes {@code out}: a directory walk leaves out the output directory
     * and the build and old directories beside it (a second run would otherwise read its own previous dataset as
     * documents), and an input inside the output directory, or one that is the output, is refused.
     *
     * @param out the output directory, or null when nothing is written
     * @throws InvalidInputException naming the path when it does not exist, a directory holds no files or an
     *                               input lies inside {@code out}
     * @throws UnreadableInputException naming the path and the reason when it cannot be examined or listed
     */
    public static List<DocumentSource> resolve(List<Path> paths, LongConsumer bytesRead, Path out) throws IOException {
        Path output = out == null ? null : real(out);
        String staging = out == null ? null : "." + output.getFileName() + ".";
        List<DocumentSource> sources = new ArrayList<>();
        // A file named twice (a folder and a file in it, a repeated --input, a link) would be read twice: every
        // count doubled and the repeats reported as duplicates. Keyed by real path and by file key (device and inode:
        // a hard link has its own real path): each file's first --input.
        java.util.Map<Object, Path[]> named = new java.util.HashMap<>();
        for (Path p : paths) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw new InvalidInputException("--input " + p + ": no such file or directory");
            } catch (IOException e) {
                // A directory on the way that this user may not enter: not "missing", and not the user's typo.
                throw IoFailures.unreadableInput(p.toString(), e);
            }
            if (!attributes.isDirectory() && !attributes.isRegularFile()) {
                // A pipe (e.g. <(cat corpus.jsonl), /dev/fd/63) is gone after one read, and a FIFO would block.
                String kind = dev.wafer.formats.fileio.FileKinds.nonRegularTarget(p).orElse("not a regular file");
                throw new InvalidInputException("--input " + p + " is " + (kind.equals("a FIFO") ? "a pipe" : kind)
                        + "; data prepare reads its input twice, give a file");
            }
            if (output != null && real(p).startsWith(output)) {
                throw new InvalidInputException("--input " + p + " is inside --out " + out
                        + ", which preparing replaces; choose an output outside the inputs");
            }
            if (attributes.isDirectory()) {
                List<Path> files = new ArrayList<>();
                walk(p, output, staging, files);
                files.sort(null);
                if (files.isEmpty()) {
                    throw new InvalidInputException("--input " + p + ": directory holds no files");
                }
                for (Path f : files) {
                    refuseTruthFile(p, f);
                    refuseRepeat(named, p, f);
                    sources.add(of(f, bytesRead));
                }
            } else {
                refuseTruthFile(p, p);
                refuseRepeat(named, p, p);
                sources.add(of(p, bytesRead));
            }
        }
        return sources;
    }

    /**
     * Adds the regular, not hidden files under {@code root} to {@code files}, leaving out the output and its staging
     * directories.
     *
     * @throws UnreadableInputException naming the directory or file that cannot be listed or examined, and why
     */
    private static void walk(Path root, Path output, String staging, List<Path> files) throws IOException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (output != null) {
                        Path r = real(dir);
                        boolean beside = output.getParent() != null && output.getParent().equals(r.getParent());
                        if (r.equals(output) || (beside && dir.getFileName().toString().startsWith(staging))) {
                            return FileVisitResult.SKIP_SUBTREE; // the output, or its build or old copy
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (f.getFileName().toString().startsWith(".")) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!Files.isRegularFile(f)) {
                        // Skipped without a word, a dangling link or a FIFO left its documents out unnoticed.
                        throw new InvalidInputException("--input " + root + " holds " + f + ", which is "
                                + notAFile(f) + "; a folder's entries must be files (remove it, or hide it as"
                                + " .name)");
                    }
                    files.add(f);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (FileSystemException e) {
            String where = e.getFile() == null || Path.of(e.getFile()).equals(root) ? root.toString()
                    : root + " (at " + e.getFile() + ")";
            throw IoFailures.unreadableInput(where, e);
        }
    }

    /** What a folder entry that is not a regular file is, for the refusal. */
    private static String notAFile(Path f) {
        if (Files.isSymbolicLink(f)) {
            if (!Files.exists(f)) {
                return "a symbolic link to nothing (a dangling link)";
            }
            if (Files.isDirectory(f)) {
                return "a symbolic link to a directory, which a folder walk does not follow (give it as an --input"
                        + " of its own)";
            }
            return "a symbolic link to " + dev.wafer.formats.fileio.FileKinds.nonRegularTarget(f)
                    .orElse("something other than a file");
        }
        return dev.wafer.formats.fileio.FileKinds.nonRegular(f).orElse("not a regular file");
    }

    /**
     * Refuses the {@code truth.jsonl} of {@code data plant-duplicates}: its records (location, kind, cluster; no
     * text) were read as malformed documents ("malformed records skipped"), and scoring then refused the dataset.
     */
    private static void refuseTruthFile(Path input, Path file) throws IOException {
        if (!file.getFileName().toString().equals(TRUTH_FILE)) {
            return;
        }
        String first;
        try (java.io.BufferedReader r = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException e) {
            return; // reading it as a corpus names the problem
        }
        if (first == null || !first.contains("\"location\"") || !first.contains("\"kind\"")
                || first.contains("\"text\"")) {
            return;
        }
        Path corpus = file.resolveSibling("corpus");
        throw new InvalidInputException("--input " + input + ": " + file + " is the truth file of 'data"
                + " plant-duplicates', not a corpus; pass the corpus only: --input "
                + (Files.isDirectory(corpus) ? corpus.toString() : file.resolveSibling("corpus-00.jsonl") + " ..."));
    }

    /**
     * Records that {@code input} names {@code file}, refusing a file an earlier input named already.
     *
     * @throws InvalidInputException naming both inputs and the file they share
     */
    private static void refuseRepeat(java.util.Map<Object, Path[]> named, Path input, Path file) throws IOException {
        Path[] here = {input, file};
        Path[] earlier = named.putIfAbsent(real(file), here);
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        if (earlier == null && fileKey != null) {
            earlier = named.putIfAbsent(fileKey, here);
        }
        if (earlier == null) {
            return;
        }
        String both;
        if (!earlier[0].equals(input)) {
            both = "--input " + earlier[0] + " and --input " + input + " both name " + earlier[1]
                    + (earlier[1].equals(file) ? "" : " (as " + file + ")");
        } else if (earlier[1].equals(file)) {
            both = "--input " + input + " is given twice";
        } else {
            both = "--input " + input + " holds " + earlier[1] + " and " + file + ", links to one file";
        }
        throw new InvalidInputException(both + ": each file would be read twice (doubled counts, the repeats taken"
                + " for duplicates); give each file once");
    }

    /** The name of the truth file {@code data plant-duplicates} writes beside its corpus folder. */
    private static final String TRUTH_FILE = "truth.jsonl";

    /** {@code p}'s real path, or for a path not yet made its real parent's (so that symbolic links compare equal). */
    private static Path real(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            return abs.toRealPath();
        }
        Path parent = abs.getParent();
        return parent == null ? abs : real(parent).resolve(abs.getFileName());
    }

    /** The embedded default corpus. */
    public static DocumentSource sample(LongConsumer bytesRead) {
        if (Inputs.class.getResource(SAMPLE_RESOURCE) == null) {
            throw new IllegalStateException("the embedded sample corpus " + SAMPLE_RESOURCE
                    + " is missing from the jar; rebuild with data/sample present");
        }
        // Size -1 (unknown), as always: the shuffle's bucket count derives from the inputs' sizes, and counting the sample
        // would reshuffle the default dataset and change every figure measured on it. Its SHA-256 identifies it.
        return new PileJsonlSource("embedded:sample.jsonl.zst", -1, () -> {
            InputStream in = Inputs.class.getResourceAsStream(SAMPLE_RESOURCE);
            if (in == null) {
                throw new IOException("embedded sample corpus missing: " + SAMPLE_RESOURCE);
            }
            return in;
        }, bytesRead);
    }

    /**
     * Whether a file is Pile JSON Lines by its name (any case: {@code DATA.JSONL} is JSON Lines too). A {@code .json}
     * is JSON Lines as its {@code .json.zst} always was (the C4 style): read as one plain-text document, its records'
     * JSON was trained raw and their sources escaped {@code --exclude-source}. A {@code .json} that is one JSON
     * document is refused when it is read ({@link PileJsonlSource}).
     */
    static boolean isJsonLines(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".zst")) {
            n = n.substring(0, n.length() - ".zst".length());
        }
        return n.endsWith(".jsonl") || n.endsWith(".json");
    }

    /**
     * Compressions other than zstd: such a file would be read as one plain-text document of compressed bytes (and
     * fail as invalid UTF-8), so it is refused by name.
     */
    private static final List<String> UNSUPPORTED_COMPRESSIONS = List.of(".gz", ".bz2", ".xz", ".lz4", ".zip");

    /**
     * What to turn a compressed file into, so that following the advice gives the reading the user meant: JSON
     * Lines keep a JSON Lines name, a plain-text file its own; a bare name cannot say, so both are named.
     *
     * @param inner the file's name without the compression's extension
     */
    static String decompressAdvice(Path file, String inner) {
        String lower = inner.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            String jsonl = lower.endsWith(".json") ? inner + "l" : inner;
            return "decompress it to " + file.resolveSibling(jsonl) + ", or recompress it with zstd as "
                    + file.resolveSibling(jsonl + ".zst");
        }
        if (inner.lastIndexOf('.') > 0) {
            return "decompress it to " + file.resolveSibling(inner) + " (read as one plain-text document), or"
                    + " recompress it with zstd as " + file.resolveSibling(inner + ".zst");
        }
        return "decompress it, or recompress it with zstd, naming the result .jsonl or .jsonl.zst when it holds JSON"
                + " Lines (any other name is read as one plain-text document)";
    }

    private static DocumentSource of(Path file, LongConsumer bytesRead) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (String ext : UNSUPPORTED_COMPRESSIONS) {
            if (lower.endsWith(ext)) {
                throw new InvalidInputException("--input " + file + ": " + ext.substring(1) + " compression is not"
                        + " supported; " + decompressAdvice(file, name.substring(0, name.length() - ext.length())));
            }
        }
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
