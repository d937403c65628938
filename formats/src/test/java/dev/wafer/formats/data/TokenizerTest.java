package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    private static final GptTokenizer GPT2 = new GptTokenizer();

    @Test
    void gpt2IdsMatchTheReference() {
        assertArrayEquals(new int[] {15496, 995}, GPT2.encode("Hello world"));
        assertArrayEquals(new int[] {262}, GPT2.encode(" the"));
        assertEquals(50257, GPT2.vocabSize());
        assertEquals(50256, GPT2.endOfTextId());
    }

    @Test
    void literalEndOfTextBecomesTheSpecialId() {
        assertArrayEquals(new int[] {15496, 50256, 995}, GPT2.encode("Hello<|endoftext|> world"));
        assertArrayEquals(new int[] {50256}, GPT2.encode("<|endoftext|>"));
        assertEquals("Hello<|endoftext|> world", GPT2.decode(new int[] {15496, 50256, 995}));
        assertThrows(IllegalArgumentException.class, () -> GPT2.decode(new int[] {50257}));
    }

    @Test
    void huggingFaceTokenizerJsonLoadsOffline(@TempDir Path dir) throws IOException {
        // A minimal word-level tokenizer written by hand: whitespace pre-tokenizer, five words, <unk> and </s>.
        String json = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 6, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
                                   "normalized": false, "special": true}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null,
                 "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "<unk>",
                           "vocab": {"<unk>": 0, "hello": 1, "world": 2, "the": 3, "cat": 4, ".": 5, "</s>": 6}}}
                """;
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        try (HfTokenizer tok = HfTokenizer.load(file)) {
            assertArrayEquals(new int[] {1, 2, 5, 3, 4, 0}, tok.encode("hello world. the cat sat"));
            assertEquals(7, tok.vocabSize());
            assertEquals(6, tok.endOfTextId());
            assertTrue(tok.name().startsWith("hf:"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfTokenizer.load(dir.resolve("nope.json")));
        assertEquals("--tokenizer " + dir.resolve("nope.json") + ": no such file", e.getMessage());
    }

    /** The library calls a JSON object without a tokenizer's fields a syntax error; the message says which it is. */
    @Test
    void aJsonFileThatIsNoTokenizerIsSaidToBeValidJson(@TempDir Path dir) throws IOException {
        Path other = Files.writeString(dir.resolve("other.json"), "{\"foo\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(other));
        assertTrue(e.getMessage().startsWith("--tokenizer " + other + ": valid JSON but not a Hugging Face"
                + " tokenizer.json"), e.getMessage());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"foo\": ");
        e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(broken));
        assertTrue(e.getMessage().startsWith("--tokenizer " + broken + ": cannot load tokenizer.json: "),
                e.getMessage());
    }
}
