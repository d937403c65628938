package dev.wafer.formats.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;

/** {@code documents.jsonl}: one {@link ManifestJson#documentLine} per kept document, in packed order. */
final class DocumentListFile implements PackedDocumentList {
    private final BufferedWriter out;

    /** @param onClose receives the file's size and CRC-32C once complete */
    DocumentListFile(OutputChannels channels, Path file, Consumer<FileCheck> onClose) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(new ChecksummedOutput(channels, file, 1 << 16, onClose),
                StandardCharsets.UTF_8));
    }

    @Override
    public void add(PackedDocument document) throws IOException {
        out.write(ManifestJson.documentLine(document));
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
