package dev.wafer.app.data;

import java.nio.file.Path;

import dev.wafer.ports.text.Tokenizer;

/** Picks the tokenizer named on the command line: {@code gpt2} or a path to a {@code tokenizer.json}. */
public final class TokenizerFactory {
    private TokenizerFactory() {
    }

    public static Tokenizer create(String spec) {
        if ("gpt2".equalsIgnoreCase(spec) || "r50k".equalsIgnoreCase(spec)) {
            return new GptTokenizer();
        }
        if (spec.endsWith(".json")) {
            return HfTokenizer.load(Path.of(spec));
        }
        throw new IllegalArgumentException("--tokenizer '" + spec + "': expected gpt2 or a path to a tokenizer.json");
    }
}
