package dev.wafer.domain.eval;

import dev.wafer.ports.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** One token per Unicode code point, so a request can be read back as text; records every text it encodes. */
final class CharTokenizer implements Tokenizer {
    final List<String> encoded = new ArrayList<>();

    @Override
    public String name() {
        return "chars";
    }

    @Override
    public int vocabSize() {
        return Character.MAX_CODE_POINT + 1;
    }

    @Override
    public int endOfTextId() {
        return '#';
    }

    @Override
    public int[] encode(String text) {
        encoded.add(text);
        return text.codePoints().toArray();
    }

    @Override
    public String decode(int[] ids) {
        return new String(ids, 0, ids.length);
    }
}
