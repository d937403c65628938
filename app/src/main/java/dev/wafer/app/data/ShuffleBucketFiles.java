package dev.wafer.app.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;

/**
 * The temporary bucket files of the external shuffle, one per bucket: for each document its ordinal, hash,
 * source, licence, location, split and audit id ({@link DataOutputStream} encoding), then its token count and its
 * ids, little-endian uint16 when the vocabulary allows, else int32. Files live in a private directory that
 * {@link #close()} deletes.
 */
final class ShuffleBucketFiles implements ShuffleSpill {
    private final Path dir;
    private final DataOutputStream[] outs;
    private final boolean wideTokens;

    private final OutputChannels channels;

    ShuffleBucketFiles(OutputChannels channels, Path dir, int buckets, int vocabSize) throws IOException {
        this.channels = channels;
        this.dir = Files.createDirectories(dir);
        this.outs = new DataOutputStream[buckets];
        this.wideTokens = ShardHeader.tokenBytesFor(vocabSize) == 4;
    }

    private Path file(int bucket) {
        return dir.resolve("bucket-" + bucket + ".tmp");
    }

    @Override
    public void append(int bucket, SpilledDocument doc) throws IOException {
        DataOutputStream out = outs[bucket];
        if (out == null) {
            // Buffers stay small so that a thousand open buckets cost little memory.
            out = new DataOutputStream(ChecksummedOutput.scratch(channels, file(bucket), 1 << 14));
            outs[bucket] = out;
        }
        out.writeLong(doc.ordinal());
        out.writeUTF(doc.hash());
        out.writeUTF(doc.source());
        out.writeUTF(doc.licence());
        out.writeUTF(doc.location());
        out.writeUTF(doc.split());
        out.writeInt(doc.auditId());
        int[] tokens = doc.tokens();
        out.writeInt(tokens.length);
        ByteBuffer buf = ByteBuffer.allocate(tokens.length * (wideTokens ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        if (wideTokens) {
            buf.asIntBuffer().put(tokens);
        } else {
            for (int t : tokens) {
                buf.putShort((short) t);
            }
        }
        out.write(buf.array());
    }

    @Override
    public void finishWriting() throws IOException {
        for (int b = 0; b < outs.length; b++) {
            if (outs[b] != null) {
                outs[b].close();
                outs[b] = null;
            }
        }
    }

    @Override
    public List<SpilledDocument> readAndDelete(int bucket) throws IOException {
        List<SpilledDocument> entries = new ArrayList<>();
        Path f = file(bucket);
        if (!Files.exists(f)) {
            return entries;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            while (true) {
                long ordinal;
                try {
                    ordinal = in.readLong();
                } catch (EOFException end) {
                    break;
                }
                String hash = in.readUTF();
                String source = in.readUTF();
                String licence = in.readUTF();
                String location = in.readUTF();
                String split = in.readUTF();
                int auditId = in.readInt();
                int n = in.readInt();
                byte[] raw = in.readNBytes(n * (wideTokens ? 4 : 2));
                ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                int[] tokens = new int[n];
                if (wideTokens) {
                    buf.asIntBuffer().get(tokens);
                } else {
                    for (int i = 0; i < n; i++) {
                        tokens[i] = buf.getShort() & 0xFFFF;
                    }
                }
                entries.add(new SpilledDocument(ordinal, hash, source, licence, location, split, auditId, tokens));
            }
        }
        Files.delete(f);
        return entries;
    }

    @Override
    public void close() throws IOException {
        finishWriting();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
