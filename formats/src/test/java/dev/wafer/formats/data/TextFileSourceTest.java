package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.ports.data.DocumentMemoryError;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/** A plain-text input is one document: running out of heap on it names the file and its size, as JSONL lines do. */
class TextFileSourceTest {
    @TempDir
    Path tmp;

    @Test
    void runningOutOfMemoryOnTheFileNamesItAndItsSize() throws IOException {
        Path file = Files.writeString(tmp.resolve("book.txt"), "the whole book\n");
        TextFileSource source = new TextFileSource(file, n -> { });
        DocumentMemoryError e = assertThrows(DocumentMemoryError.class, () -> source.read(new DocumentVisitor() {
            @Override
            public void document(RawDocument document) {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public void malformed(MalformedRecord record) {
            }
        }));
        assertEquals(file + ":1", e.location());
        assertEquals(15, e.size());
        assertEquals("bytes", e.unit());
    }
}
