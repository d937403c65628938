package dev.wafer.domain.data;

import java.text.Normalizer;

/**
 * Normalises document text before hashing, rules and tokenisation, in this order:
 * <ol>
 *   <li>HTML character references are decoded ({@code &amp;}, {@code &eacute;}, {@code &#8217;},
 *       {@code &#x2019;}, ...), unless the text contains markup;</li>
 *   <li>UTF-8 mis-decoded as Windows-1252/Latin-1 is re-decoded where the bytes form valid UTF-8
 *       ({@code CafÃ©} becomes {@code Café});</li>
 *   <li>{@code \r\n} and {@code \r} become {@code \n}; other control characters except {@code \t} and
 *       {@code \n}, and the byte-order mark, are removed;</li>
 *   <li>Unicode NFC.</li>
 * </ol>
 * This is the subset of ftfy's default fixes that changes real corpora most; ftfy's other fixes (curly quotes,
 * ligatures, width) are not applied, as the Cerebras pipeline keeps them.
 */
public final class TextNormaliser {

    /** A normaliser; it holds no state, so one serves every document and thread. */
    public TextNormaliser() {
    }

    /**
     * Normalises one document.
     *
     * @param text raw text
     * @return normalised text (the same instance when nothing changes)
     */
    public String normalise(String text) {
        if (isPlainAscii(text)) {
            return text; // The common case: ASCII text without entities or controls is already normal.
        }
        String s = HtmlEntities.decode(text);
        s = MojibakeRepair.repair(s);
        s = ControlCharacters.clean(s);
        return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /**
     * Whether {@code text} is blank once normalised (white space and removed control characters only, e.g.
     * {@code "\u0001\u0002"}): such a document is as empty as a blank one. Cheap for ordinary text: the first
     * visible character answers.
     *
     * @param text raw text
     * @return true when normalising leaves nothing but white space
     */
    public boolean isBlankWhenNormalised(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && !ControlCharacters.isRemoved(c) && c != '&') {
                return false; // neither removed nor decoded away: it survives normalising
            }
        }
        return normalise(text).isBlank();
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x7F || c == '&' || (c < 0x20 && c != '\n' && c != '\t')) {
                return false;
            }
        }
        return true;
    }
}
