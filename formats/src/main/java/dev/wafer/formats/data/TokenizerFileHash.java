package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a {@code tokenizer.json}, as a dataset's manifest records it. Apart from {@link HfTokenizer} so
 * that a command can compare a file with a manifest without naming the tokenizer adapter.
 */
public final class TokenizerFileHash {
    private TokenizerFileHash() {
    }

    /**
     * The file's SHA-256 in lower-case hex.
     *
     * @throws InvalidInputException naming the file (as {@code --tokenizer}) when it is missing or unreadable
     */
    public static String sha256(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("--tokenizer " + file + ": " + dev.wafer.formats.fileio.FileKinds.whyNotAFile(file));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new InvalidInputException("--tokenizer " + file + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
