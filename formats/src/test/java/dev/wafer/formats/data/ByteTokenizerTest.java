package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;


class ByteTokenizerTest {
    private final ByteTokenizer tok = new ByteTokenizer();

    @Test
    void idsAreUtf8BytesPlusEndOfText() {
        assertEquals(257, tok.vocabSize());
        assertEquals(256, tok.endOfTextId());
        assertArrayEquals(new int[] {'h', 'i', 256, 0xC3, 0xA9}, tok.encode("hi<|endoftext|>é"));
        assertEquals("bytes-utf8", new TokenizerFactory().create("bytes").name());
    }

    @Test
    void roundTripsExactly() {
        String[] samples = {"", "plain ASCII", "Ünïcödé — ∑ 漢字 🙂 emoji", "a<|endoftext|>b<|endoftext|>",
            "<|endoftext", "tabs\tand\nnewlines\r\n", "\u0000 nul"};
        for (String s : samples) {
            assertEquals(s, tok.decode(tok.encode(s)), s);
        }
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            StringBuilder b = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int k = 0; k < n; k++) {
                int cp;
                do {
                    cp = rnd.nextInt(0x1F000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                b.appendCodePoint(cp);
            }
            String s = b.toString();
            assertEquals(s, tok.decode(tok.encode(s)));
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, tok.encode(s).length);
        }
    }

    @Test
    void refusesIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {257}));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
    }
}
