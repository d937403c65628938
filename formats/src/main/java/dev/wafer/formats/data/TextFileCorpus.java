package dev.wafer.formats.data;

import dev.wafer.formats.input.StrictUtf8;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.TextNormaliser;
import dev.wafer.ports.data.TokenizedCorpus;
import dev.wafer.ports.text.Tokenizer;

/**
 * A text the user supplies ({@code --text FILE}: a work they care about) as a one-document corpus: normalised as
 * {@code wafer data prepare} normalises documents, tokenized with the dataset's tokenizer, named by its content hash,
 * with the file as source and location.
 */
public final class TextFileCorpus implements TokenizedCorpus {
    private final Document document;
    private final int[] tokens;
    private final int vocabSize;

    private TextFileCorpus(Document document, int[] tokens, int vocabSize) {
        this.document = document;
        this.tokens = tokens;
        this.vocabSize = vocabSize;
    }

    /**
     * Reads and tokenizes {@code file}.
     *
     * @param flag the option that named it, for messages
     * @throws InvalidInputException when the file is missing or not UTF-8
     */
    public static TextFileCorpus read(String flag, Path file, Tokenizer tokenizer) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(flag + " " + file + ": " + dev.wafer.formats.fileio.FileKinds.whyNotAFile(file));
        }
        byte[] bytes = Files.readAllBytes(file);
        StrictUtf8.Result text = new StrictUtf8().decode(bytes, 0, bytes.length);
        if (!text.ok()) {
            throw new InvalidInputException(flag + " " + file + ": not UTF-8 text (invalid byte at offset "
                    + text.badOffset() + ")");
        }
        String normalised = new TextNormaliser().normalise(text.text());
        int[] ids = tokenizer.encode(normalised);
        Document d = new Document(ContentHash.of(normalised).hex(), file.toString(), file.toString(), ids.length);
        return new TextFileCorpus(d, ids, tokenizer.vocabSize());
    }

    @Override
    public List<Document> documents() {
        return List.of(document);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void read(int index, int start, int[] dest) {
        if (index != 0) {
            throw new IndexOutOfBoundsException("document " + index + " of 1");
        }
        System.arraycopy(tokens, start, dest, 0, dest.length);
    }
}
