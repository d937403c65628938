package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.formats.tokens.TokenFiles;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.text.Tokenizer;

/** The token stream {@code eval --data} scores: a dataset's test split (checked), a uint16 token file or text. */
final class EvalTokenStream {
    private EvalTokenStream() {
    }

    /**
     * The token stream of a dataset's test split, a uint16 token file or a text file; {@code textTokenizer} is
     * asked only for text (it may refuse: a model whose tokenizer cannot read text).
     */
    static int[] read(Path path, java.util.function.Supplier<Tokenizer> textTokenizer, int vocab) {
        int[] tokens;
        String origin; // which reading produced the ids, so an id past the vocabulary says where it came from
        try {
            if (Files.isDirectory(path)) {
                DatasetLayout layout = new DatasetLayout(path);
                if (!Files.isRegularFile(layout.manifest())) {
                    throw new UserError("--data " + path + " is a directory without " + DatasetLayout.MANIFEST
                            + "; expected a dataset from 'wafer data prepare'");
                }
                // The manifest's checksum and fields, every file's size, and the test shards' headers and payload
                // CRC-32 against it, as train does: a damaged or mixed dataset is refused, not scored.
                try (ShardedSequences test = PreparedDataset.open(path, "--data").openSplit(Split.TEST)) {
                    long total = test.count() * test.sequenceLength();
                    if (total > Integer.MAX_VALUE - 8) {
                        throw new UserError("--data " + path + ": the test split holds " + total
                                + " tokens, more than one evaluation holds; use --max-windows on a token file");
                    }
                    tokens = new int[(int) total];
                    origin = "the test split holds token ";
                    for (long i = 0; i < test.count(); i++) {
                        test.read(i, tokens, (int) (i * test.sequenceLength()));
                    }
                }
            } else if (!Files.isRegularFile(path)) {
                throw new UserError(Files.exists(path) ? "--data " + path + ": "
                        + dev.wafer.formats.fileio.FileKinds.whyNotAFile(path)
                        : dev.wafer.formats.data.ManifestJson.killedSwap(path, "--data")
                                .orElse("--data " + path + " does not exist"));
            } else if (TokenFiles.shardRefusal(path).isPresent()) {
                throw new UserError("--data " + TokenFiles.shardRefusal(path).get());
            } else {
                FileTokens read = file(path, textTokenizer);
                tokens = read.tokens();
                origin = read.origin();
            }
        } catch (IOException e) {
            throw new UserError("cannot read --data " + path + ": " + e.getMessage());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= vocab) {
                throw new UserError("--data " + path + ": " + origin + tokens[i] + " at offset " + i
                        + ", outside the model's vocabulary of " + vocab);
            }
        }
        return tokens;
    }

    /** A file, read as its name or, for a name that says neither, its bytes say (see {@link TokenFiles#kind}). */
    /** A file's ids and which reading produced them (for the out-of-vocabulary message). */
    private record FileTokens(int[] tokens, String origin) {
    }

    private static FileTokens file(Path path, java.util.function.Supplier<Tokenizer> textTokenizer)
            throws IOException {
        TokenFiles.Kind kind = TokenFiles.kind(path);
        if (kind == TokenFiles.Kind.EITHER) { // never a silent guess
            throw new UserError("--data " + TokenFiles.either(path) + "; rename it to .bin (token ids) or .txt (text)");
        }
        if (kind == TokenFiles.Kind.TEXT) { // as train tells text from tokens
            byte[] bytes = Files.readAllBytes(path);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserError("--data " + TokenFiles.notUtf8(path, bytes));
            }
            Tokenizer tokenizer = textTokenizer.get();
            int[] body = tokenizer.encode(text);
            int[] tokens = java.util.Arrays.copyOf(body, body.length + 1);
            tokens[body.length] = tokenizer.endOfTextId();
            return new FileTokens(tokens, "text tokenised with the " + tokenizer.name() + " tokenizer gives token ");
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length % 2 != 0) {
            throw new UserError("--data " + path + " has an odd number of bytes; expected uint16 token ids"
                    + " (or text named .txt)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] tokens = new int[bytes.length / 2];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Short.toUnsignedInt(buf.getShort(2 * i));
        }
        return new FileTokens(tokens, "uint16 token ");
    }

    /**
     * Why {@code tokens} read from {@code data} give no window of {@code window} targets: a smaller --seq is
     * suggested only where one would give a window (it was suggested for an empty file at --seq 1, the least there is).
     */
    static String tooShort(Path data, int tokens, int window) {
        return TokenFiles.tooShort(data, tokens, window, "window", "a test-set loss");
    }
}
