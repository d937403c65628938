package dev.wafer.formats.tokens;

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

/** Text and uint16 token files are told apart by zero bytes and UTF-8, whatever the file is called. */
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
        assertTrue(TokenFiles.isText(Files.write(tmp.resolve("prose.md"), utf8)));
        assertTrue(TokenFiles.isText(Files.write(tmp.resolve("anything.txt"), new byte[] {0, 1})));

        Random random = new Random(22);
        for (int vocab : new int[] {512, 50257}) {
            ByteBuffer b = ByteBuffer.allocate(2 * 40_000).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 40_000; i++) {
                b.putShort((short) random.nextInt(vocab));
            }
            assertFalse(TokenFiles.isText(Files.write(tmp.resolve("t" + vocab + ".bin"), b.array())), "vocab " + vocab);
        }
        assertFalse(TokenFiles.isText(Files.write(tmp.resolve("empty.bin"), new byte[0])));
        assertFalse(TokenFiles.isText(new byte[] {'a', (byte) 0xC3, '(', 'b'}, true), "invalid UTF-8");
    }
}
