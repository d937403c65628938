package dev.wafer.formats.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.wafer.ports.text.Tokenizer;

/**
 * Byte-level tokenizer for studies: ids 0-255 are the UTF-8 bytes of the text, 256 is end-of-text, so the
 * vocabulary has 257 ids. With GPT-2's 50,257 ids a tiny model is mostly embedding; with 257 even a width-32 model
 * spends most of its parameters in the decoder blocks. Encoding is exact and reversible for any string without
 * unpaired surrogates: {@code decode(encode(s)).equals(s)}. Stateless and thread-safe.
 */
public final class ByteTokenizer implements Tokenizer {
    /** The end-of-text id (one past the last byte). */
    public static final int END_OF_TEXT = 256;
    /** 256 bytes plus end-of-text. */
    public static final int VOCAB_SIZE = 257;
    private static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    @Override
    public String name() {
        return "bytes-utf8";
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] marker = END_OF_TEXT_TEXT.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[bytes.length];
        int n = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '<' && startsWith(bytes, i, marker)) {
                out[n++] = END_OF_TEXT;
                i += marker.length - 1;
            } else {
                out[n++] = bytes[i] & 0xFF;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream run = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary [0, "
                        + VOCAB_SIZE + ")");
            }
            if (id == END_OF_TEXT) {
                out.append(run.toString(StandardCharsets.UTF_8)).append(END_OF_TEXT_TEXT);
                run.reset();
            } else {
                run.write(id);
            }
        }
        return out.append(run.toString(StandardCharsets.UTF_8)).toString();
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        if (at + prefix.length > bytes.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (bytes[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
