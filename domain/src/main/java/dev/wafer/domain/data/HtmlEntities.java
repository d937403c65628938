package dev.wafer.domain.data;

import java.util.HashMap;
import java.util.Map;

/**
 * Decodes HTML character references left in plain text: numeric ({@code &#233;}, {@code &#xE9;}) and the
 * named entities in {@link #NAMED} (the HTML 4 Latin-1 set plus common typographic ones). Text that looks like
 * HTML markup (a {@code <} followed by a letter, {@code /} or {@code !}) is left alone, as ftfy does, because
 * entities there are intended (source code, markup in GitHub documents).
 */
final class HtmlEntities {
    private static final Map<String, Integer> NAMED = new HashMap<>();

    static {
        String[] pairs = {
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00A0",
            "iexcl", "¡", "cent", "¢", "pound", "£", "curren", "¤", "yen", "¥", "brvbar", "¦", "sect", "§",
            "uml", "¨", "copy", "©", "ordf", "ª", "laquo", "«", "not", "¬", "shy", "\u00AD", "reg", "®",
            "macr", "¯", "deg", "°", "plusmn", "±", "sup2", "²", "sup3", "³", "acute", "´", "micro", "µ",
            "para", "¶", "middot", "·", "cedil", "¸", "sup1", "¹", "ordm", "º", "raquo", "»", "frac14", "¼",
            "frac12", "½", "frac34", "¾", "iquest", "¿", "times", "×", "divide", "÷",
            "Agrave", "À", "Aacute", "Á", "Acirc", "Â", "Atilde", "Ã", "Auml", "Ä", "Aring", "Å", "AElig", "Æ",
            "Ccedil", "Ç", "Egrave", "È", "Eacute", "É", "Ecirc", "Ê", "Euml", "Ë", "Igrave", "Ì", "Iacute", "Í",
            "Icirc", "Î", "Iuml", "Ï", "ETH", "Ð", "Ntilde", "Ñ", "Ograve", "Ò", "Oacute", "Ó", "Ocirc", "Ô",
            "Otilde", "Õ", "Ouml", "Ö", "Oslash", "Ø", "Ugrave", "Ù", "Uacute", "Ú", "Ucirc", "Û", "Uuml", "Ü",
            "Yacute", "Ý", "THORN", "Þ", "szlig", "ß", "agrave", "à", "aacute", "á", "acirc", "â", "atilde", "ã",
            "auml", "ä", "aring", "å", "aelig", "æ", "ccedil", "ç", "egrave", "è", "eacute", "é", "ecirc", "ê",
            "euml", "ë", "igrave", "ì", "iacute", "í", "icirc", "î", "iuml", "ï", "eth", "ð", "ntilde", "ñ",
            "ograve", "ò", "oacute", "ó", "ocirc", "ô", "otilde", "õ", "ouml", "ö", "oslash", "ø", "ugrave", "ù",
            "uacute", "ú", "ucirc", "û", "uuml", "ü", "yacute", "ý", "thorn", "þ", "yuml", "ÿ",
            "OElig", "Œ", "oelig", "œ", "Scaron", "Š", "scaron", "š", "Yuml", "Ÿ", "fnof", "ƒ",
            "ndash", "–", "mdash", "—", "lsquo", "‘", "rsquo", "’", "sbquo", "‚", "ldquo", "“", "rdquo", "”",
            "bdquo", "„", "dagger", "†", "Dagger", "‡", "bull", "•", "hellip", "…", "permil", "‰", "prime", "′",
            "Prime", "″", "lsaquo", "‹", "rsaquo", "›", "euro", "€", "trade", "™", "larr", "←", "rarr", "→",
            "uarr", "↑", "darr", "↓", "harr", "↔", "minus", "−", "le", "≤", "ge", "≥", "ne", "≠", "infin", "∞",
            "ensp", "\u2002", "emsp", "\u2003", "thinsp", "\u2009", "zwnj", "\u200C", "zwj", "\u200D",
        };
        for (int i = 0; i < pairs.length; i += 2) {
            NAMED.put(pairs[i], pairs[i + 1].codePointAt(0));
        }
    }

    /** Longest entity name we look up; bounds the scan after each {@code &}. */
    private static final int MAX_NAME = 8;

    /** Longest reference between {@code &} and {@code ;} we resolve: a name, or a number with {@code #} or {@code #x}. */
    private static final int MAX_REFERENCE = MAX_NAME + 2;

    private HtmlEntities() {
    }

    /** True if the text contains markup, in which case entities are kept as written. */
    static boolean looksLikeMarkup(String text) {
        int i = text.indexOf('<');
        while (i >= 0 && i + 1 < text.length()) {
            char next = text.charAt(i + 1);
            if (Character.isLetter(next) || next == '/' || next == '!') {
                return true;
            }
            i = text.indexOf('<', i + 1);
        }
        return false;
    }

    /** Decodes every entity once (so {@code &amp;lt;} becomes {@code &lt;}, not {@code <}). */
    static String decode(String text) {
        int amp = text.indexOf('&');
        if (amp < 0 || looksLikeMarkup(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (amp >= 0) {
            // Only a ';' within MAX_REFERENCE characters can end a reference: looking further made text with many
            // '&' and few ';' (LaTeX tables, URLs, shell &&) quadratic.
            int semi = text.indexOf(';', amp + 1, Math.min(text.length(), amp + 2 + MAX_REFERENCE));
            int codePoint = -1;
            if (semi > amp + 1) {
                codePoint = resolve(text, amp + 1, semi);
            }
            if (codePoint >= 0) {
                out.append(text, copied, amp).appendCodePoint(codePoint);
                copied = semi + 1;
                amp = text.indexOf('&', copied);
            } else {
                amp = text.indexOf('&', amp + 1);
            }
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The code point of the reference between {@code start} and {@code end} (exclusive), or -1; shared with tests. */
    static int resolve(String text, int start, int end) {
        if (text.charAt(start) == '#') {
            boolean hex = start + 1 < end && (text.charAt(start + 1) == 'x' || text.charAt(start + 1) == 'X');
            int digits = hex ? start + 2 : start + 1;
            if (digits >= end) {
                return -1;
            }
            try {
                int cp = Integer.parseInt(text, digits, end, hex ? 16 : 10);
                // Surrogates, NUL and out-of-range values are not characters; leave the reference as written.
                boolean valid = cp > 0 && cp <= Character.MAX_CODE_POINT && (cp < 0xD800 || cp > 0xDFFF);
                return valid ? cp : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        Integer cp = NAMED.get(text.substring(start, end));
        return cp == null ? -1 : cp;
    }
}
