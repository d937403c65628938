package dev.wafer.formats.data;

import java.io.IOException;

import dev.wafer.ports.data.prepare.SortedPairCursor;

/** A cursor of pairs (another rank's audit run) as a source of this package's merges. */
record CursorPairSource(SortedPairCursor cursor) implements PairSource {
    @Override
    public boolean next() throws IOException {
        return cursor.next();
    }

    @Override
    public long key() {
        return cursor.key();
    }

    @Override
    public int id() {
        return cursor.id();
    }

    @Override
    public void close() throws IOException {
        cursor.close();
    }
}
