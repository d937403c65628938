package dev.wafer.formats.eval;

import dev.wafer.formats.input.InvalidInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.eval.HarnessRequest;
import dev.wafer.domain.eval.RequestLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.input.FileChecks;
import java.nio.file.StandardCopyOption;

/**
 * {@code --write-requests FILE}: one JSON line per loglikelihood request, with the strings exactly as scored, to diff
 * against the harness's own: task, doc_index, context, continuation, context_tokens, continuation_tokens (ids before
 * truncation), loglikelihood, is_greedy. The lines go to a temporary file beside FILE, moved into place by
 * {@link #commit()}; closed without it (the evaluation failed), the temporary file is deleted and FILE is untouched.
 */
public final class RequestsFile implements RequestLog, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final Path temporary;
    private final BufferedWriter out;
    private boolean closed;

    /**
     * Opens a temporary file beside {@code path}.
     *
     * @throws InvalidInputException naming the flag, the file and the reason when it cannot be written
     */
    public RequestsFile(Path path) {
        this.path = path;
        checkWritable(path, true);
        Path dir = path.toAbsolutePath().getParent();
        try {
            this.temporary = createSibling(dir, path.getFileName().toString());
            this.out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("--write-requests " + path + ": cannot write in " + dir + ": "
                    + reason(e));
        }
    }

    /**
     * A new hidden file beside FILE with the permissions any new file gets (the umask's), as FILE itself would: a
     * temporary file from {@link Files#createTempFile} is 0600 whatever the umask, and the move kept that mode.
     */
    private static Path createSibling(Path dir, String name) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        while (true) {
            Path candidate = dir.resolve("." + name + "." + Long.toUnsignedString(random.nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Another writer's temporary file: draw another name.
            }
        }
    }

    /**
     * Checks, before any work, that {@code path} can be written: its folder exists and it is not a folder itself, and
     * it does not exist unless {@code overwrite}.
     *
     * @throws InvalidInputException naming the flag and what is wrong
     */
    public static void checkWritable(Path path, boolean overwrite) {
        Path dir = path.toAbsolutePath().getParent();
        if (Files.isDirectory(path)) {
            throw new InvalidInputException("--write-requests " + path + " is a directory; give a file to write");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException("--write-requests " + path + ": cannot write: the folder " + dir
                    + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidInputException("--write-requests " + path + ": cannot write: the folder " + dir
                    + " is not writable");
        }
        FileChecks.checkReplaceable("--write-requests", path);
        if (!overwrite && Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException("--write-requests " + path + " already exists; choose another file, or"
                    + " pass --overwrite to replace it");
        }
    }

    @Override
    public void scored(String task, HarnessRequest request, int[] contextTokens, int[] continuationTokens,
            ContinuationScore score) {
        ObjectNode line = JSON.createObjectNode();
        line.put("task", task);
        line.put("doc_index", request.docIndex());
        line.put("context", request.context());
        line.put("continuation", request.continuation());
        // Ids before left truncation, so a reference can apply the harness's (ctx + cont)[-(max+1):][:-1] itself.
        ids(line.putArray("context_tokens"), contextTokens);
        ids(line.putArray("continuation_tokens"), continuationTokens);
        line.put("loglikelihood", score.logLikelihood());
        line.put("is_greedy", score.greedy());
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("--write-requests " + path, e);
        }
    }

    private static void ids(com.fasterxml.jackson.databind.node.ArrayNode array, int[] ids) {
        for (int id : ids) {
            array.add(id);
        }
    }

    /** Writes the lines out and moves the file into place, replacing {@code path}. */
    public void commit() {
        try {
            closed = true;
            out.close();
            // Checked again here: the target may have become a FIFO or a link since checkWritable.
            FileChecks.checkReplaceable("--write-requests", path);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTemporary();
            throw new UncheckedIOException("--write-requests " + path, e);
        }
    }

    /** Deletes the temporary file unless {@link #commit()} moved it into place. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // The file is deleted below: what it failed to write is lost anyway.
        }
        deleteTemporary();
    }

    private void deleteTemporary() {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // Best effort: a leftover hidden temporary file beside the requested one.
        }
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }
}
