package dev.wafer.app.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;

/** {@code documents.jsonl}: one {@link ManifestJson#documentLine} per kept document, in packed order. */
final class DocumentListFile implements PackedDocumentList {
    private final BufferedWriter out;

    DocumentListFile(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
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
