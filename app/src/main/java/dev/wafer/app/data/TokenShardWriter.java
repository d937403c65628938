package dev.wafer.app.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * Writes one token shard: a header placeholder, then sequences, then the real header (count and CRC-32) when
 * closed. Ids are stored as uint16 when the vocabulary allows, else int32.
 */
final class TokenShardWriter implements TokenShardOutput {
    private final Path path;
    private final FileChannel channel;
    private final int vocabSize;
    private final int seqLen;
    private final int tokenBytes;
    private final ByteBuffer buffer;
    private final CRC32 crc = new CRC32();
    private long count;

    TokenShardWriter(Path path, int vocabSize, int seqLen) throws IOException {
        this.path = path;
        this.vocabSize = vocabSize;
        this.seqLen = seqLen;
        this.tokenBytes = ShardHeader.tokenBytesFor(vocabSize);
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.buffer = ByteBuffer.allocate(Math.max(1 << 20, seqLen * tokenBytes)).order(ByteOrder.LITTLE_ENDIAN);
        channel.write(new ShardHeader(tokenBytes, vocabSize, seqLen, 0, 0).encode(), 0);
        channel.position(ShardHeader.SIZE);
    }

    long count() {
        return count;
    }

    /** Appends one sequence of exactly {@code seqLen} ids. */
    @Override
    public void write(int[] tokens) {
        if (tokens.length != seqLen) {
            throw new IllegalArgumentException("sequence has " + tokens.length + " tokens, shard holds " + seqLen);
        }
        if (buffer.remaining() < seqLen * tokenBytes) {
            flush();
        }
        if (tokenBytes == 2) {
            for (int t : tokens) {
                buffer.putShort((short) t);
            }
        } else {
            for (int t : tokens) {
                buffer.putInt(t);
            }
        }
        count++;
    }

    private void flush() {
        buffer.flip();
        crc.update(buffer.duplicate());
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write token shard " + path, e);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        flush();
        channel.write(new ShardHeader(tokenBytes, vocabSize, seqLen, count, crc.getValue()).encode(), 0);
        channel.close();
    }
}
