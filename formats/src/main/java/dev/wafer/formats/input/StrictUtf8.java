package dev.wafer.formats.input;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding that says where the first invalid byte is, instead of inserting U+FFFD. */
public final class StrictUtf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Decoded text, or the byte offset of the first invalid sequence. */
    public record Result(String text, int badOffset) {
        /** True when the bytes were valid UTF-8 ({@link #text()} holds them). */
        public boolean ok() {
            return text != null;
        }
    }

    /** Decodes {@code length} bytes from {@code offset}; never replaces a byte. */
    public Result decode(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        decoder.reset();
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            return new Result(null, in.position() - offset);
        }
        decoder.flush(out);
        return new Result(out.flip().toString(), -1);
    }
}
