package dev.wafer.formats.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private final boolean wideTokens;
    private byte[] tokenBytes = new byte[1 << 16];

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
        byte[] buf = tokenBuffer(tokens.length * (wideTokens ? 4 : 2));
        if (wideTokens) {
            encodeInts(tokens, buf);
        } else {
            encodeShorts(tokens, buf);
        }
        out.write(buf, 0, tokens.length * (wideTokens ? 4 : 2));
    }

    /** The reusable token byte buffer, at least {@code bytes} long (append and read run on one thread each). */
    private byte[] tokenBuffer(int bytes) {
        if (tokenBytes.length < bytes) {
            tokenBytes = new byte[Math.max(bytes, 2 * tokenBytes.length)];
        }
        return tokenBytes;
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
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 20))) {
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
                byte[] raw = tokenBuffer(n * (wideTokens ? 4 : 2));
                in.readFully(raw, 0, n * (wideTokens ? 4 : 2));
                int[] tokens = new int[n];
                if (wideTokens) {
                    decodeInts(raw, tokens);
                } else {
                    decodeShorts(raw, tokens);
                }
                entries.add(new SpilledDocument(ordinal, hash, source, licence, location, split, auditId, tokens));
            }
        }
        Files.delete(f);
        return entries;
    }

    // The token loops are methods of their own, called once per document, so the JIT compiles them early: a loop
    // inline in readAndDelete (called once per bucket) ran interpreted for most of a bucket.

    private static void encodeShorts(int[] tokens, byte[] out) {
        for (int i = 0, p = 0; i < tokens.length; i++, p += 2) {
            out[p] = (byte) tokens[i];
            out[p + 1] = (byte) (tokens[i] >>> 8);
        }
    }

    private static void encodeInts(int[] tokens, byte[] out) {
        for (int i = 0, p = 0; i < tokens.length; i++, p += 4) {
            INT_LE.set(out, p, tokens[i]);
        }
    }

    private static void decodeShorts(byte[] raw, int[] tokens) {
        for (int i = 0, p = 0; i < tokens.length; i++, p += 2) {
            tokens[i] = (raw[p] & 0xFF) | (raw[p + 1] & 0xFF) << 8;
        }
    }

    private static void decodeInts(byte[] raw, int[] tokens) {
        for (int i = 0, p = 0; i < tokens.length; i++, p += 4) {
            tokens[i] = (int) INT_LE.get(raw, p);
        }
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
