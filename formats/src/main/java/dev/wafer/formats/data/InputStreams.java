package dev.wafer.formats.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

import com.github.luben.zstd.ZstdInputStream;

/** Opens raw input streams: zstd-decompressed when the name ends in {@code .zst}, counting stored bytes read. */
final class InputStreams {
    /**
     * The largest zstd window decoded, as a power of two: zstd's own maximum (2 GiB on 64-bit). The decoder's default
     * (2^27) refused files written with {@code zstd --long=28} and up, which are valid; the window is only allocated
     * for a frame that declares it.
     */
    static final int WINDOW_LOG_MAX = com.github.luben.zstd.Zstd.windowLogMax();

    private InputStreams() {
    }

    static InputStream decoded(String name, InputStream stored, LongConsumer storedBytesRead) throws IOException {
        InputStream counted = new CountingStream(new BufferedInputStream(stored, 1 << 16), storedBytesRead);
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".zst")
                ? new BufferedInputStream(new ZstdInputStream(counted).setLongMax(WINDOW_LOG_MAX), 1 << 16) : counted;
    }

    /** Reports bytes read so progress can follow the stored (compressed) size. */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer sink;

        CountingStream(InputStream in, LongConsumer sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                sink.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sink.accept(n);
            }
            return n;
        }
    }
}
