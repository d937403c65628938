package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.nio.file.Path;

import dev.wafer.ports.text.Tokenizer;
import dev.wafer.ports.text.Tokenizers;

/**
 * Picks the tokenizer named on the command line: {@code gpt2}, {@code bytes} (the 257-id byte-level vocabulary
 * for studies) or a path to a {@code tokenizer.json}.
 */
public final class TokenizerFactory implements Tokenizers {
    /** The tokenizer for {@code spec}; an unknown name fails with a message listing the choices. */
    @Override
    public Tokenizer create(String spec) {
        if ("bytes".equalsIgnoreCase(spec) || "byte".equalsIgnoreCase(spec)) {
            return new ByteTokenizer();
        }
        if ("gpt2".equalsIgnoreCase(spec) || "r50k".equalsIgnoreCase(spec)) {
            return new GptTokenizer();
        }
        if (spec.endsWith(".json")) {
            return HfTokenizer.load(Path.of(spec));
        }
        throw new InvalidInputException("--tokenizer '" + spec + "': expected gpt2, bytes or a path to a tokenizer.json");
    }
}
