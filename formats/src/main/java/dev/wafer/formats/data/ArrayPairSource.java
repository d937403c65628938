package dev.wafer.formats.data;

/** The sorted in-memory buffer of pairs, read as a source. */
final class ArrayPairSource implements PairSource {
    private final long[] keys;
    private final int[] ids;
    private final int size;
    private int at = -1;

    ArrayPairSource(long[] keys, int[] ids, int size) {
        this.keys = keys;
        this.ids = ids;
        this.size = size;
    }

    @Override
    public boolean next() {
        return ++at < size;
    }

    @Override
    public long key() {
        return keys[at];
    }

    @Override
    public int id() {
        return ids[at];
    }

    @Override
    public void close() {
    }
}
