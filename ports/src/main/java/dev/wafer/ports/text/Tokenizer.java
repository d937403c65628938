package dev.wafer.ports.text;

/**
 * Converts text to token ids and back. Implementations must be thread-safe: the data pipeline calls
 * {@link #encode} from several threads at once.
 */
public interface Tokenizer {

    /** A short name recorded in dataset manifests, e.g. {@code gpt2-r50k}. */
    String name();

    /** Number of ids this tokenizer can produce; every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    /** Id of the end-of-text token that separates documents (50256 for GPT-2). */
    int endOfTextId();

    /**
     * Encodes text. A literal end-of-text marker inside the text (for GPT-2: {@code <|endoftext|>}) is
     * encoded as {@link #endOfTextId()}, as Hugging Face's GPT-2 tokenizer does; every other special-token
     * spelling is encoded as ordinary text.
     *
     * @param text the text, already normalised
     * @return the ids, never null
     */
    int[] encode(String text);

    /**
     * Decodes ids back to text.
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @return the text
     * @throws IllegalArgumentException if an id is out of range
     */
    String decode(int[] ids);
}
