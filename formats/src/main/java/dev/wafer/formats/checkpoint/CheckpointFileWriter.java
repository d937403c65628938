package dev.wafer.formats.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

import dev.wafer.formats.fileio.TensorStreams;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.TensorSource;

/** Streams one checkpoint into a channel in a single pass (see the package documentation for the layout). */
final class CheckpointFileWriter {
    private final List<? extends TensorSource> tensors;
    private final List<TensorEntry> index;
    private final byte[] json;

    /**
     * Checks the tensors' names and encodes the header before anything is written.
     *
     * @throws IllegalArgumentException for a duplicate tensor name or a header the reader would refuse
     */
    CheckpointFileWriter(CheckpointHeader header, List<? extends TensorSource> tensors) {
        this.tensors = tensors;
        Set<String> names = new HashSet<>();
        for (TensorSource t : tensors) {
            if (!names.add(t.spec().name())) {
                throw new IllegalArgumentException("tensor name '" + t.spec().name() + "' appears twice in one checkpoint");
            }
        }
        this.index = layout();
        this.json = CheckpointHeaderCodec.encode(header, index);
    }

    void writeTo(FileChannel channel) throws IOException {
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(json);
        CRC32C fileCrc = new CRC32C();

        ByteBuffer preamble = ByteBuffer.allocate(CheckpointLayout.PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        preamble.put(CheckpointLayout.MAGIC).putInt(CheckpointLayout.FORMAT_VERSION).putInt((int) headerCrc.getValue())
                .putLong(json.length).flip();
        emit(channel, preamble, fileCrc);
        emit(channel, ByteBuffer.wrap(json), fileCrc);
        long dataStart = CheckpointLayout.dataStart(json.length);
        pad(channel, dataStart, fileCrc);

        ByteBuffer chunk = TensorStreams.newChunk();
        ByteBuffer crcTable = ByteBuffer.allocate(4 * tensors.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tensors.size(); i++) {
            pad(channel, dataStart + index.get(i).offset(), fileCrc);
            CRC32C tensorCrc = new CRC32C();
            TensorStreams.write(channel, tensors.get(i), chunk, tensorCrc, fileCrc);
            crcTable.putInt((int) tensorCrc.getValue());
        }
        emit(channel, crcTable.flip(), fileCrc);
        ByteBuffer trailer = ByteBuffer.allocate(4 + CheckpointLayout.END_MARKER.length).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) fileCrc.getValue()).put(CheckpointLayout.END_MARKER).flip();
        TensorStreams.writeFully(channel, trailer);
    }

    private List<TensorEntry> layout() {
        List<TensorEntry> index = new ArrayList<>();
        long offset = 0;
        for (TensorSource t : tensors) {
            offset = CheckpointLayout.align(offset);
            long bytes = t.spec().elementCount() * Float.BYTES;
            index.add(new TensorEntry(t.spec(), offset, bytes));
            offset += bytes;
        }
        return index;
    }

    private static void pad(FileChannel channel, long upTo, CRC32C fileCrc) throws IOException {
        int n = Math.toIntExact(upTo - channel.position());
        if (n > 0) {
            emit(channel, ByteBuffer.allocate(n), fileCrc);
        }
    }

    private static void emit(FileChannel channel, ByteBuffer bytes, CRC32C fileCrc) throws IOException {
        TensorStreams.update(bytes, fileCrc);
        TensorStreams.writeFully(channel, bytes);
    }
}
