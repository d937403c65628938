package dev.wafer.formats.data;

import java.io.IOException;

/** Receives (shingle key, document id) pairs in merge order. */
interface PairSink {
    void pair(long key, int id) throws IOException;
}
