package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;

import dev.wafer.ports.text.Tokenizer;

/**
 * Any Hugging Face {@code tokenizer.json}, loaded offline through DJL's tokenizers binding. No special tokens
 * are added around a document; the end-of-text id is the first of {@code <|endoftext|>}, {@code </s>},
 * {@code <eos>}, {@code [SEP]} that the vocabulary has.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final String[] END_OF_TEXT_CANDIDATES = {"<|endoftext|>", "</s>", "<eos>", "[SEP]"};

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
    private final String name;
    private final Path file;
    private final int vocabSize;
    private final int endOfText;
    private final String sha256;

    private HfTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer, Path file,
                                 int vocabSize, int endOfText, String sha256) {
        this.tokenizer = tokenizer;
        this.sha256 = sha256;
        this.file = file;
        this.name = "hf:" + file.getFileName();
        this.vocabSize = vocabSize;
        this.endOfText = endOfText;
    }

    /**
     * Loads a {@code tokenizer.json}.
     *
     * @throws InvalidInputException naming the file when it is missing, unreadable or has no end-of-text token
     */
    public static HfTokenizer load(Path file) {
        if (!Files.exists(file)) {
            throw new InvalidInputException("--tokenizer " + file + ": no such file");
        }
        dev.wafer.formats.input.FileChecks.checkReadable("--tokenizer", file);
        if (isEmpty(file)) {
            throw new InvalidInputException("--tokenizer " + file + " is empty (0 bytes); expected a Hugging Face"
                    + " tokenizer.json");
        }
        // Never reach for the network: DJL would otherwise try to download native libraries or files.
        System.setProperty("ai.djl.offline", "true");
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tok;
        try {
            tok = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            // The library reports a missing field as a JSON syntax error ("expected `,` or `}`"): say which it is.
            String what = isJson(file) ? "valid JSON but not a Hugging Face tokenizer.json; the tokenizers library"
                    + " says: " : "cannot load tokenizer.json: ";
            throw new InvalidInputException("--tokenizer " + file + ": " + what + e.getMessage(), e);
        }
        Map<String, Integer> vocab;
        try {
            vocab = VocabularyReader.read(file);
            // The library loads such a file and fails on the first word it does not know, mid-way through a corpus.
            VocabularyReader.missingUnknownToken(file).ifPresent(unk -> {
                throw new InvalidInputException("--tokenizer " + file + ": model.unk_token \"" + unk + "\" is not in"
                        + " model.vocab; the tokenizer could not encode any word outside its vocabulary");
            });
        } catch (InvalidInputException e) {
            tok.close();
            throw e;
        }
        int eot = -1;
        for (String candidate : END_OF_TEXT_CANDIDATES) {
            Integer id = vocab.get(candidate);
            if (id != null) {
                eot = id;
                break;
            }
        }
        if (eot < 0) {
            tok.close();
            throw new InvalidInputException("--tokenizer " + file + ": vocabulary has no end-of-text token (looked for "
                    + String.join(", ", END_OF_TEXT_CANDIDATES) + ")");
        }
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        return new HfTokenizer(tok, file, size, eot, TokenizerFileHash.sha256(file));
    }

    /** The SHA-256 of the tokenizer.json it was loaded from, in hex: the manifest records it. */
    public String sha256() {
        return sha256;
    }


    @Override
    public String name() {
        return name;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int endOfTextId() {
        return endOfText;
    }

    @Override
    public int[] encode(String text) {
        Encoding enc;
        try {
            enc = tokenizer.encode(text, false, false);
        } catch (RuntimeException e) {
            // The native library's refusal (e.g. "WordLevel error: Missing [UNK] token from the vocabulary") is a
            // fault of the tokenizer file, not of Wafer.
            throw new InvalidInputException("--tokenizer " + file + ": the tokenizer cannot encode the text: "
                    + e.getMessage(), e);
        }
        long[] ids = enc.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static boolean isEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            return false; // the load below reports why it cannot be read
        }
    }

    /** Whether the file parses as JSON at all. */
    private static boolean isJson(Path file) {
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
