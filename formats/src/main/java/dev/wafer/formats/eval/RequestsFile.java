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

/**
 * {@code --write-requests FILE}: one JSON line per loglikelihood request, with the strings exactly as scored, to diff
 * against the harness's own: task, doc_index, context, continuation, context_tokens, continuation_tokens (ids before
 * truncation), loglikelihood, is_greedy.
 */
public final class RequestsFile implements RequestLog, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final BufferedWriter out;

    public RequestsFile(Path path) {
        this.path = path;
        try {
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("--write-requests " + path + ": cannot write: " + e.getMessage());
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

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new InvalidInputException("--write-requests " + path + ": " + e.getMessage());
        }
    }
}
