package dev.wafer.formats.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * Writes one token shard: a header placeholder, then sequences, then the real header (count and CRC-32) when
 * closed. Ids are stored as uint16 when the vocabulary allows, else int32.
 */
final class TokenShardWriter implements TokenShardOutput {
    private final Path path;
    private final SeekableByteChannel channel;
    private final Consumer<FileCheck> onClose;
    private final int vocabSize;
    private final int seqLen;
    private final int tokenBytes;
    private final ByteBuffer buffer;
    private final CRC32 crc = new CRC32();
    private long count;

    TokenShardWriter(Path path, int vocabSize, int seqLen) throws IOException {
        this(OutputChannels.FILES, path, vocabSize, seqLen, check -> { });
    }

    /** @param onClose receives the file's size and payload CRC-32 once the shard is complete */
    TokenShardWriter(OutputChannels channels, Path path, int vocabSize, int seqLen, Consumer<FileCheck> onClose)
            throws IOException {
        this.path = path;
        this.onClose = onClose;
        this.vocabSize = vocabSize;
        this.seqLen = seqLen;
        this.tokenBytes = ShardHeader.tokenBytesFor(vocabSize);
        this.channel = channels.create(path);
        this.buffer = ByteBuffer.allocate(Math.max(1 << 20, seqLen * tokenBytes)).order(ByteOrder.LITTLE_ENDIAN);
        DatasetFiles.writeFully(path, channel, new ShardHeader(tokenBytes, vocabSize, seqLen, 0, 0).encode());
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
            DatasetFiles.writeFully(path, channel, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            flush();
            long size = channel.position();
            channel.position(0);
            DatasetFiles.writeFully(path, channel, new ShardHeader(tokenBytes, vocabSize, seqLen, count, crc.getValue()).encode());
            OutputChannels.force(channel);
            onClose.accept(new FileCheck(size, crc.getValue()));
        }
    }
}
