package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextNormaliserTest {
    private final TextNormaliser n = new TextNormaliser();

    @Test
    void plainAsciiIsReturnedUnchanged() {
        String s = "Hello world.\n\tIndented.";
        assertSame(s, n.normalise(s));
    }

    @Test
    void namedNumericAndHexEntitiesAreDecoded() {
        assertEquals("Fish & chips — “caf\u00e9” ’ é", n.normalise("Fish &amp; chips &mdash; &ldquo;caf&eacute;&rdquo; &#8217; &#xE9;"));
    }

    @Test
    void entitiesAreDecodedOnceOnly() {
        assertEquals("&lt;b&gt;", n.normalise("&amp;lt;b&amp;gt;"));
    }

    @Test
    void unknownAndInvalidEntitiesAreKept() {
        assertEquals("a &bogus; b &#xD800; c & d", n.normalise("a &bogus; b &#xD800; c & d"));
    }

    @Test
    void markupKeepsItsEntities() {
        String html = "<p>Fish &amp; chips</p>";
        assertEquals(html, n.normalise(html));
    }

    @Test
    void utf8ReadAsLatin1IsRepaired() {
        assertEquals("Café résumé", n.normalise("CafÃ© rÃ©sumÃ©"));
    }

    @Test
    void utf8ReadAsWindows1252IsRepaired() {
        // ’ is E2 80 99: Windows-1252 shows â € ™.
        assertEquals("It’s “quoted”", n.normalise("Itâ€™s â€œquotedâ€\u009D"));
    }

    @Test
    void doubleMojibakeIsRepaired() {
        String once = "Café";
        String twice = latin1(latin1(once));
        assertEquals(once, n.normalise(twice));
    }

    @Test
    void genuineLatin1TextIsNotChanged() {
        String s = "naïve façade « Ça » £5 ½ déjà-vu";
        assertEquals(s, n.normalise(s));
    }

    @Test
    void lineBreaksAreUnifiedAndControlsRemoved() {
        assertEquals("a\nb\nc\td", n.normalise("a\r\nb\rc\td"));
        assertEquals("bell and nul gone", n.normalise("\uFEFFbell\u0007 and nul\u0000 gone\u007F"));
        assertEquals("c1 gone", n.normalise("c1\u0085 gone"));
    }

    @Test
    void textIsNfc() {
        assertEquals("\u00e9t\u00e9", n.normalise("e\u0301te\u0301"));
    }

    private static String latin1(String s) {
        return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
