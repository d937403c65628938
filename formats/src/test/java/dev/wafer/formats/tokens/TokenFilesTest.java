package dev.wafer.formats.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text and uint16 token files are told apart by their extension where it is known, else by zero bytes and UTF-8; a
 * file whose name says neither and whose bytes fit both readings is {@link TokenFiles.Kind#EITHER}.
 */
class TokenFilesTest {
    @TempDir
    Path tmp;

    @Test
    void textIsTextAndTokensAreTokens() throws IOException {
        String prose = "Caf\u00e9 au lait, na\u00efve r\u00e9sum\u00e9 \u2014 ok. ".repeat(4000);
        byte[] utf8 = prose.getBytes(StandardCharsets.UTF_8);
        assertTrue(utf8.length > TokenFiles.PROBE_BYTES);
        // The probe may cut a multi-byte character at any offset: still text.
        for (int cut = TokenFiles.PROBE_BYTES - 3; cut <= TokenFiles.PROBE_BYTES; cut++) {
            assertTrue(TokenFiles.isText(Arrays.copyOf(utf8, cut), false), "cut at " + cut);
        }
        assertEquals(TokenFiles.Kind.TEXT, TokenFiles.kind(Files.write(tmp.resolve("prose.md"), utf8)));
        assertEquals(TokenFiles.Kind.TEXT, TokenFiles.kind(Files.write(tmp.resolve("anything.txt"), new byte[] {0, 1})));

        Random random = new Random(22);
        for (int vocab : new int[] {512, 50257}) {
            ByteBuffer b = ByteBuffer.allocate(2 * 40_000).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 40_000; i++) {
                b.putShort((short) random.nextInt(vocab));
            }
            assertEquals(TokenFiles.Kind.TOKENS, TokenFiles.kind(Files.write(tmp.resolve("t" + vocab), b.array())),
                    "vocab " + vocab);
        }
        assertEquals(TokenFiles.Kind.TOKENS, TokenFiles.kind(Files.write(tmp.resolve("empty"), new byte[0])));
        assertFalse(TokenFiles.isText(new byte[] {'a', (byte) 0xC3, '(', 'b'}, true), "invalid UTF-8");
    }

    /**
     * The reported file: GPT-2 ids >= 256 whose two bytes are nonzero (262 " the", 286, 290, ...) make valid UTF-8
     * without a zero byte. Named .bin it is token ids (eval used to tokenise its bytes as text, exit 0); named .txt it
     * is text; with a name that says neither it is EITHER, and so is short text; odd-length UTF-8 can only be text.
     */
    @Test
    void theExtensionDecidesAndBytesThatFitBothAreEither() throws IOException {
        int[] ids = {262, 286, 290, 284, 287, 318, 373, 329, 319, 355, 351, 379, 607, 326, 340, 307, 281, 543};
        ByteBuffer b = ByteBuffer.allocate(2 * ids.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 4; r++) {
            for (int id : ids) {
                b.putShort((short) id);
            }
        }
        byte[] bytes = b.array();
        assertTrue(TokenFiles.isText(bytes, true), "the ids' bytes are valid UTF-8 without a zero byte");
        for (String name : new String[] {"A.bin", "A.BIN", "A.tokens", "A.tok", "A.u16", "A.uint16"}) {
            assertEquals(TokenFiles.Kind.TOKENS, TokenFiles.kind(Files.write(tmp.resolve(name), bytes)), name);
        }
        for (String name : new String[] {"A.txt", "A.Text", "A.md", "A.jsonl"}) {
            assertEquals(TokenFiles.Kind.TEXT, TokenFiles.kind(Files.write(tmp.resolve(name), bytes)), name);
        }
        assertEquals(TokenFiles.Kind.EITHER, TokenFiles.kind(Files.write(tmp.resolve("A"), bytes)));
        assertEquals(TokenFiles.Kind.EITHER, TokenFiles.kind(Files.write(tmp.resolve("A.dat"), bytes)));
        assertEquals(TokenFiles.Kind.EITHER, TokenFiles.kind(Files.write(tmp.resolve("notes"),
                "hi".getBytes(StandardCharsets.UTF_8))));
        assertEquals(TokenFiles.Kind.TEXT, TokenFiles.kind(Files.write(tmp.resolve("note"),
                "hi!".getBytes(StandardCharsets.UTF_8))));
        String why = TokenFiles.either(tmp.resolve("A"));
        assertTrue(why.startsWith(tmp.resolve("A") + " has no extension that says text (.txt") && why.contains(".bin"),
                why);
    }
}
