package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.TokenStreamOutput;

/**
 * One rank's stretch of a split's packed stream, written where the single process's shards hold it: stream position
 * {@code p} is token {@code p mod tokensPerShard} of shard {@code p / tokensPerShard}, after its header. Other ranks
 * write the other stretches of the same files at once (disjoint byte ranges, so no locking), and rank 0 writes the
 * headers last ({@link RankShareAssembly}); this writer reports, per shard it touched, the byte range of the payload
 * it wrote and that range's CRC-32, from which the shard's checksum is combined.
 */
final class ShardStretchWriter implements TokenStreamOutput {
    /** A range of one shard's payload a rank wrote. */
    record Piece(String file, long offset, long length, long crc) {
    }

    private final DatasetLayout layout;
    private final Split split;
    private final long limit;
    private final long tokensPerShard;
    private final int tokenBytes;
    private final Consumer<Piece> pieces;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();
    private final int[] one = new int[1];
    private long position;
    private int shard = -1;
    private Path file;
    private FileChannel channel;
    /** Where the current piece starts in the shard's payload, and bytes of it handed to the channel. */
    private long pieceStart;
    private long pieceBytes;

    ShardStretchWriter(DatasetLayout layout, Split split, long first, long limit, int sequenceLength,
                       long sequencesPerShard, int vocabSize, Consumer<Piece> pieces) {
        this.layout = layout;
        this.split = split;
        this.position = first;
        this.limit = limit;
        this.tokensPerShard = sequencesPerShard * sequenceLength;
        this.tokenBytes = ShardHeader.tokenBytesFor(vocabSize);
        this.pieces = pieces;
    }

    @Override
    public void write(int[] tokens, int offset, int length) throws IOException {
        int n = (int) Math.max(0, Math.min(length, limit - position));
        while (n > 0) {
            int shardOf = (int) (position / tokensPerShard);
            if (shardOf != shard) {
                openShard(shardOf);
            }
            long shardEnd = (shardOf + 1) * tokensPerShard;
            int take = (int) Math.min(Math.min(n, shardEnd - position), buffer.remaining() / tokenBytes);
            if (take == 0) {
                flush();
                continue;
            }
            if (tokenBytes == 2) {
                for (int i = 0; i < take; i++) {
                    buffer.putShort((short) tokens[offset + i]);
                }
            } else {
                for (int i = 0; i < take; i++) {
                    buffer.putInt(tokens[offset + i]);
                }
            }
            offset += take;
            n -= take;
            position += take;
        }
    }

    @Override
    public void write(int token) throws IOException {
        one[0] = token;
        write(one, 0, 1);
    }

    private void openShard(int index) throws IOException {
        closeShard();
        shard = index;
        file = layout.shard(split, index);
        // Not truncated: other ranks write other ranges of the same file.
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        pieceStart = (position - index * tokensPerShard) * tokenBytes;
        pieceBytes = 0;
        crc.reset();
    }

    private void flush() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        int bytes = buffer.remaining();
        long at = ShardHeader.SIZE + pieceStart + pieceBytes;
        try {
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + IoFailures.reason(e), e);
        }
        pieceBytes += bytes;
        buffer.clear();
    }

    private void closeShard() throws IOException {
        if (channel == null) {
            return;
        }
        try (FileChannel c = channel) {
            flush();
            c.force(true);
        } finally {
            channel = null;
        }
        pieces.accept(new Piece(file.getFileName().toString(), pieceStart, pieceBytes, crc.getValue()));
    }

    @Override
    public void close() throws IOException {
        closeShard();
    }
}
