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

import dev.wafer.ports.data.prepare.DuplicateList;

/**
 * {@code duplicates.jsonl}: one {@code {"location", "duplicate_of", "similarity"}} object per removed document, in
 * input order, locations as {@code documents.jsonl} writes them; checksummed for the manifest like the other files.
 */
final class DuplicateListFile implements DuplicateList {
    private static final ObjectMapper LINE = new ObjectMapper();
    private final BufferedWriter out;

    /** @param onClose receives the file's size and CRC-32C once complete */
    DuplicateListFile(OutputChannels channels, Path file, Consumer<FileCheck> onClose) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(new ChecksummedOutput(channels, file, 1 << 16, onClose),
                StandardCharsets.UTF_8));
    }

    /** One line, without the line break. */
    static String line(String location, String duplicateOf, double similarity) {
        ObjectNode n = LINE.createObjectNode();
        n.put("location", location).put("duplicate_of", duplicateOf).put("similarity", similarity);
        try {
            return LINE.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a duplicates line", e);
        }
    }

    @Override
    public void add(String location, String duplicateOf, double similarity) throws IOException {
        out.write(line(location, duplicateOf, similarity));
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
