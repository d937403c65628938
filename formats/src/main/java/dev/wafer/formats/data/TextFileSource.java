package dev.wafer.formats.data;

import dev.wafer.formats.input.StrictUtf8;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

import dev.wafer.ports.data.DocumentMemoryError;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/** One plain-text file (optionally {@code .zst}) as one document, with no source or licence of its own. */
public final class TextFileSource implements DocumentSource {
    private final Path path;
    private final LongConsumer bytesRead;
    /** The SHA-256 of the file's stored bytes as the last read consumed them; null before one. */
    private volatile String sha256;

    TextFileSource(Path path, LongConsumer bytesRead) {
        this.path = path;
        this.bytesRead = bytesRead;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long sizeBytes() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public void read(DocumentVisitor visitor) throws IOException {
        try {
            readWhole(visitor);
        } catch (DocumentMemoryError e) {
            throw e; // a worker's, naming its own document
        } catch (OutOfMemoryError e) {
            // The file is one document, held whole (bytes, then text): name it and its size on disk.
            throw new DocumentMemoryError(path + ":1", sizeBytes(), "bytes", e);
        }
    }

    private void readWhole(DocumentVisitor visitor) throws IOException {
        byte[] bytes;
        sha256 = null;
        StoredDigest digest = null;
        try (InputStream in = InputStreams.decoded(path.toString(),
                (digest = StoredDigest.of(Files.newInputStream(path))).stream(), bytesRead)) {
            bytes = in.readAllBytes();
            sha256 = digest.finish();
        } catch (com.github.luben.zstd.ZstdIOException e) {
            throw e;
        } catch (IOException e) {
            // Opening or reading failed in the operating system (permission denied, a device error).
            throw IoFailures.unreadableInput(path.toString(), e);
        }
        String location = path + ":1";
        StrictUtf8.Result decoded = new StrictUtf8().decode(bytes, 0, bytes.length);
        if (!decoded.ok()) {
            int line = 1;
            for (int i = 0; i < decoded.badOffset(); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            visitor.malformed(new MalformedRecord(path + ":" + line,
                    "invalid UTF-8 at byte offset " + decoded.badOffset() + " of the file"));
            return;
        }
        String text = decoded.text();
        if (text.isBlank()) {
            visitor.malformed(new MalformedRecord(location, "empty document (file is blank)"));
            return;
        }
        if (new dev.wafer.domain.data.TextNormaliser().isBlankWhenNormalised(text)) {
            // Only control characters: normalising removes them all, leaving a 0-token document.
            visitor.malformed(new MalformedRecord(location, "empty document (the file holds only control characters"
                    + " and white space, which normalising removes)"));
            return;
        }
        visitor.document(new RawDocument(text, null, null, location));
    }
}
