package dev.wafer.formats.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.ports.data.prepare.ExclusionList;

/**
 * {@code exclusions.jsonl}: one {@code {"hash", "source", "licence", "location", "rule", "detail"}} object per
 * excluded document, in input order, each line the compact form of the entry manifests before 2026-12-08 held in
 * their {@code exclusions} array (so the array is the lines joined with commas, which the fingerprint relies on).
 * Created at the first exclusion: a dataset without any has no such file and its manifest stays as it was.
 */
final class ExclusionListFile implements ExclusionList {
    private static final ObjectMapper LINE = new ObjectMapper();
    private final OutputChannels channels;
    private final Path file;
    private final Consumer<FileCheck> onClose;
    private BufferedWriter out;
    private boolean closed;

    /** @param onClose receives the file's size and CRC-32C once complete, if anything was excluded */
    ExclusionListFile(OutputChannels channels, Path file, Consumer<FileCheck> onClose) {
        this.channels = channels;
        this.file = file;
        this.onClose = onClose;
    }

    /** One line, without the line break. */
    static String line(String hash, String source, String licence, String location, String rule, String detail) {
        ObjectNode n = LINE.createObjectNode();
        n.put("hash", hash).put("source", source).put("licence", licence).put("location", location)
                .put("rule", rule).put("detail", detail);
        try {
            return LINE.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an exclusions line", e);
        }
    }

    @Override
    public void add(String hash, String source, String licence, String location, String rule, String detail)
            throws IOException {
        if (out == null) {
            out = new BufferedWriter(new OutputStreamWriter(new ChecksummedOutput(channels, file, 1 << 16, onClose),
                    StandardCharsets.UTF_8));
        }
        out.write(line(hash, source, licence, location, rule, detail));
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        if (!closed && out != null) {
            out.close();
        }
        closed = true;
    }
}
