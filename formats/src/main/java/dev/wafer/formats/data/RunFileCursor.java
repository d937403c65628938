package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.ports.data.prepare.SortedPairCursor;

/** A sorted run file ({@link RunFilePairWriter}'s format) read as a cursor, for the audit runs of another rank. */
final class RunFileCursor implements SortedPairCursor {
    private final RunFilePairSource in;
    private final long pairs;

    RunFileCursor(Path file) throws IOException {
        long bytes = Files.size(file);
        if (bytes % RunFilePairWriter.PAIR_BYTES != 0) {
            throw new IOException(file + ": run file ends inside a pair (" + bytes + " bytes)");
        }
        this.pairs = bytes / RunFilePairWriter.PAIR_BYTES;
        this.in = new RunFilePairSource(file);
    }

    @Override
    public long pairs() {
        return pairs;
    }

    @Override
    public boolean next() throws IOException {
        return in.next();
    }

    @Override
    public long key() {
        return in.key();
    }

    @Override
    public int id() {
        return in.id();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
