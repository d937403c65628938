package dev.wafer.formats.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding that says where the first invalid byte is, instead of inserting U+FFFD. */
final class StrictUtf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Decoded text, or the byte offset of the first invalid sequence. */
    record Result(String text, int badOffset) {
        boolean ok() {
            return text != null;
        }
    }

    Result decode(byte[] bytes, int offset, int length) {
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
