package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.formats.tokens.MappedTokenFile;
import dev.wafer.formats.tokens.TokenFiles;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.text.Tokenizer;

/** The token stream {@code eval --data} scores: a dataset's test split (checked), a uint16 token file or text. */
final class EvalTokenStream {
    private EvalTokenStream() {
    }

    /**
     * The token stream of a dataset's test split, a uint16 token file or a text file; {@code textTokenizer} is
     * asked only for text (it may refuse: a model whose tokenizer cannot read text). Ids are checked against
     * {@code vocab} before anything is scored: all of tokenised text, and the first {@code checked} tokens of a token
     * file or test split (the ones scored; streamed, in constant memory), whose tokens are read as they are scored.
     */
    static EvalTokens read(Path path, java.util.function.Supplier<Tokenizer> textTokenizer, int vocab, long checked) {
        EvalTokens tokens;
        String origin; // which reading produced the ids, so an id past the vocabulary says where it came from
        long bad;
        try {
            if (Files.isDirectory(path)) {
                DatasetLayout layout = new DatasetLayout(path);
                if (!Files.isRegularFile(layout.manifest())) {
                    throw new UserError("--data " + path + " is a directory without " + DatasetLayout.MANIFEST
                            + "; expected a dataset from 'wafer data prepare'");
                }
                // The manifest's checksum and fields, every file's size, and the test shards' headers and payload
                // CRC-32 against it, as train does: a damaged or mixed dataset is refused, not scored.
                ShardedSequences test = PreparedDataset.open(path, "--data").openSplit(Split.TEST);
                tokens = EvalTokens.of(test);
                origin = "the test split holds token ";
                bad = firstIdAtLeast(tokens, vocab, checked);
            } else if (!Files.isRegularFile(path)) {
                throw new UserError(Files.exists(path) ? "--data " + path + ": "
                        + dev.wafer.formats.fileio.FileKinds.whyNotAFile(path)
                        : dev.wafer.formats.data.ManifestJson.killedSwap(path, "--data")
                                .orElse("--data " + path + " does not exist"));
            } else if (TokenFiles.shardRefusal(path).isPresent()) {
                throw new UserError("--data " + TokenFiles.shardRefusal(path).get());
            } else if (kind(path) == TokenFiles.Kind.TEXT) {
                Text text = text(path, textTokenizer);
                tokens = EvalTokens.of(text.tokens());
                origin = text.origin();
                bad = firstIdAtLeast(tokens, vocab, Long.MAX_VALUE);
            } else {
                if (Files.size(path) % 2 != 0) {
                    throw new UserError("--data " + path + " has an odd number of bytes; expected uint16 token ids"
                            + " (or text named .txt)");
                }
                MappedTokenFile file = MappedTokenFile.open(path);
                tokens = EvalTokens.of(file);
                origin = "uint16 token ";
                bad = file.firstIdAtLeast(vocab, 0, checked);
            }
        } catch (IOException e) {
            throw new UserError("cannot read --data " + path + ": " + e.getMessage());
        }
        if (bad >= 0) {
            int[] id = new int[1];
            tokens.read(bad, id, 0, 1);
            tokens.close();
            throw new UserError("--data " + path + ": " + origin + id[0] + " at offset " + bad
                    + ", outside the model's vocabulary of " + vocab);
        }
        return tokens;
    }

    /** The offset of the first of the first {@code checked} tokens not below {@code vocab}, or -1; streamed. */
    private static long firstIdAtLeast(EvalTokens tokens, int vocab, long checked) {
        int[] block = new int[1 << 16];
        long end = Math.min(checked, tokens.length());
        for (long at = 0; at < end; at += block.length) {
            int n = (int) Math.min(block.length, end - at);
            tokens.read(at, block, 0, n);
            for (int i = 0; i < n; i++) {
                if (block[i] >= vocab) {
                    return at + i;
                }
            }
        }
        return -1;
    }

    /** How a file reads, by its name or, for a name that says neither, its bytes (see {@link TokenFiles#kind}). */
    private static TokenFiles.Kind kind(Path path) throws IOException {
        TokenFiles.Kind kind = TokenFiles.kind(path);
        if (kind == TokenFiles.Kind.EITHER) { // never a silent guess
            throw new UserError("--data " + TokenFiles.either(path) + "; rename it to .bin (token ids) or .txt (text)");
        }
        return kind;
    }

    /** Tokenised text and which reading produced its ids (for the out-of-vocabulary message). */
    private record Text(int[] tokens, String origin) {
    }

    private static Text text(Path path, java.util.function.Supplier<Tokenizer> textTokenizer) throws IOException {
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
        return new Text(tokens, "text tokenised with the " + tokenizer.name() + " tokenizer gives token ");
    }

    /**
     * Why {@code tokens} read from {@code data} give no window of {@code window} targets: a smaller --seq is
     * suggested only where one would give a window (it was suggested for an empty file at --seq 1, the least there is).
     */
    static String tooShort(Path data, long tokens, int window) {
        return TokenFiles.tooShort(data, tokens, window, "window", "a test-set loss");
    }
}
