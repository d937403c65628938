package dev.wafer.domain.eval;

/** Turns text into token ids (for Cerebras-GPT, the GPT-2 BPE without special tokens). */
@FunctionalInterface
public interface TextEncoder {
    /** The tokens of {@code text}; an empty string gives an empty array. */
    int[] encode(String text);
}
