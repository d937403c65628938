package dev.wafer.app.data;

import java.util.ArrayList;
import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import dev.wafer.ports.text.Tokenizer;

/**
 * GPT-2 byte-level BPE through jtokkit's r50k encoding, which has exactly GPT-2's 50,257 ids. jtokkit refuses
 * special tokens inside text, so the literal {@code <|endoftext|>} is split out here and mapped to 50256.
 */
public final class GptTokenizer implements Tokenizer {
    /** GPT-2's end-of-text id. */
    public static final int END_OF_TEXT = 50256;
    private static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    @Override
    public String name() {
        return "gpt2-r50k";
    }

    @Override
    public int vocabSize() {
        return 50257;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        int marker = text.indexOf(END_OF_TEXT_TEXT);
        if (marker < 0) {
            return encoding.encodeOrdinary(text).toArray();
        }
        List<int[]> parts = new ArrayList<>();
        int from = 0;
        int total = 0;
        while (true) {
            int to = marker < 0 ? text.length() : marker;
            int[] ids = encoding.encodeOrdinary(text.substring(from, to)).toArray();
            parts.add(ids);
            total += ids.length;
            if (marker < 0) {
                break;
            }
            parts.add(new int[] {END_OF_TEXT});
            total++;
            from = marker + END_OF_TEXT_TEXT.length();
            marker = text.indexOf(END_OF_TEXT_TEXT, from);
        }
        int[] out = new int[total];
        int pos = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        IntArrayList run = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside GPT-2's vocabulary [0, 50257)");
            }
            if (id == END_OF_TEXT) {
                out.append(encoding.decode(run)).append(END_OF_TEXT_TEXT);
                run.clear();
            } else {
                run.add(id);
            }
        }
        return out.append(encoding.decode(run)).toString();
    }
}
