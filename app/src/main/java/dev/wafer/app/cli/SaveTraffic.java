package dev.wafer.app.cli;

import java.nio.file.Path;
import java.util.List;

import dev.wafer.app.cluster.Cluster;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;

/**
 * The writer's checkpoint store, counting the collectives' traffic during its saves: with a sharded optimizer the
 * moments reach the writer by broadcasts while it writes, and the end-of-run "per step" line folded them into the
 * steps' average (60.6 MB per step without --out, 114.4 MB with it).
 */
final class SaveTraffic implements CheckpointStore {
    private final CheckpointStore store;
    private final Cluster.Ranks ranks;
    private long saves;
    private long nanos;
    private long bytes;

    SaveTraffic(CheckpointStore store, Cluster.Ranks ranks) {
        this.store = store;
        this.ranks = ranks;
    }

    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        long n = ranks.collectiveNanos();
        long b = ranks.collectiveBytes();
        try {
            store.save(file, header, tensors);
        } finally {
            saves++;
            nanos += ranks.collectiveNanos() - n;
            bytes += ranks.collectiveBytes() - b;
        }
    }

    @Override
    public CheckpointReader open(Path file) {
        return store.open(file);
    }

    @Override
    public CheckpointHeader readHeader(Path file) {
        return store.readHeader(file);
    }

    long saves() {
        return saves;
    }

    long nanos() {
        return nanos;
    }

    long bytes() {
        return bytes;
    }
}
