package dev.wafer.formats.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.data.Split;
import dev.wafer.formats.input.InvalidInputException;

/**
 * One pass over {@code documents.jsonl} for the documents of one split, in packed order: each is checked (valid JSON,
 * a shard of the split, after the one before) and handed to a {@link Visitor} with its stream position, and the
 * file's CRC-32C is checked against the manifest. Nothing is kept here: a pass keeps only what its visitor keeps, so
 * a split of hundreds of millions of documents is read without holding them.
 */
final class SplitDocumentFile {
    private static final ObjectMapper LINE = new ObjectMapper();

    /** Receives each document of the split. */
    interface Visitor {
        /**
         * Document {@code ordinal} (0-based among the split's documents) starts at stream position {@code start};
         * {@code line} is its parsed line, or null when {@link #wants} said no (the line is then not parsed).
         */
        void document(long ordinal, long start, JsonNode line);

        /** Whether document {@code ordinal} needs its line parsed: unparsed lines are only counted. */
        default boolean wants(long ordinal) {
            return true;
        }
    }

    private final PreparedDataset dataset;
    private final DatasetLayout layout;
    private final Split split;
    private final long[] shardStarts;
    private final long expectedDocuments;

    SplitDocumentFile(PreparedDataset dataset, DatasetLayout layout, Split split, long[] shardStarts,
                      long expectedDocuments) {
        this.dataset = dataset;
        this.layout = layout;
        this.split = split;
        this.shardStarts = shardStarts;
        this.expectedDocuments = expectedDocuments;
    }

    /** The split's documents as the manifest counts them: a size hint only. */
    long expectedDocuments() {
        return expectedDocuments;
    }

    /** Reads the file once, handing each of the split's documents to {@code visitor}. */
    void scan(Visitor visitor) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(layout.documents());
             BufferedReader lines = new BufferedReader(new InputStreamReader(new CheckedInputStream(raw, crc),
                     StandardCharsets.UTF_8), 1 << 16)) {
            String wanted = "\"split\":\"" + split.fileName() + "\"";
            long lineNumber = 0;
            long ordinal = 0;
            long last = Long.MIN_VALUE; // none yet
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    lineNumber++;
                    if (!line.contains(wanted)) {
                        continue;
                    }
                    if (!visitor.wants(ordinal)) {
                        // Checked in full by the pass that opened the corpus; the CRC below covers it still.
                        visitor.document(ordinal++, -1, null);
                        continue;
                    }
                    JsonNode n = parse(line, lineNumber);
                    long start = start(n, last);
                    last = start;
                    visitor.document(ordinal++, start, n);
                }
            } catch (InvalidInputException damaged) {
                // A changed byte that keeps the size is what the checksum is for: report it as such (as data audit
                // does), and the line's own fault only when the file is as prepared.
                while (lines.readLine() != null) {
                    // the rest of the file, for its checksum
                }
                checkCrc(crc);
                throw damaged;
            }
        }
        checkCrc(crc);
    }

    private JsonNode parse(String line, long lineNumber) {
        try {
            return LINE.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException(layout.documents() + ":" + lineNumber + ": not valid JSON ("
                    + e.getOriginalMessage() + "); the file is damaged, prepare the dataset again", e);
        }
    }

    /** The document's stream position, checked against the shards and the position {@code last} before it. */
    private long start(JsonNode n, long last) {
        int shard = n.path("shard").asInt();
        if (shard < 0 || shard >= shardStarts.length) {
            throw new InvalidInputException(layout.documents() + ": document " + n.path("hash").asText()
                    + " names " + split.fileName() + " shard " + shard + " but the dataset has "
                    + shardStarts.length + "; the file is damaged, prepare the dataset again");
        }
        long start = shardStarts[shard] + n.path("offset").asLong();
        if (last != Long.MIN_VALUE && start <= last) {
            throw new InvalidInputException(layout.documents() + ": document " + n.path("hash").asText()
                    + " is not after the one before it in packed order; the file is damaged, prepare the"
                    + " dataset again");
        }
        return start;
    }

    private void checkCrc(CRC32C crc) {
        dataset.expectCrc(layout.documents(), DatasetLayout.DOCUMENTS, crc.getValue());
    }
}
