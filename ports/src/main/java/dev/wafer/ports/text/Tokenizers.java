package dev.wafer.ports.text;

/**
 * Tokenizers by the name a user gives them, so that code choosing a tokenizer by name names no tokenizer class.
 */
@FunctionalInterface
public interface Tokenizers {
    /**
     * The tokenizer {@code spec} names.
     *
     * @param spec a tokenizer name (e.g. {@code gpt2}, {@code bytes}) or a path to a tokenizer definition file
     * @return a new tokenizer; close it when it is {@link AutoCloseable}
     * @throws IllegalArgumentException when {@code spec} names no tokenizer; the message lists the choices
     */
    Tokenizer create(String spec);
}
