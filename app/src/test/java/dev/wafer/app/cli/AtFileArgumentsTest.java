package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.wafer.app.backend.BackendCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * An argument starting with '@' is the argument as typed: picocli's default read it as a file of more arguments, so
 * {@code --prompt @user} took the words of a file 'user' (and options written in it), and a path or a source name
 * starting with '@' became another file's contents.
 */
class AtFileArgumentsTest {
    @TempDir
    Path tmp;

    private static ParseResult parse(String... args) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cli = WaferCommand.commandLine(discard, discard, Map.of(), BackendCatalog.standard());
        return cli.parseArgs(args);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aPromptStartingWithAtIsTheTextEvenWhenSuchAFileExists() throws Exception {
        String user = "@" + file("user", "hi --temperature 0 --max-tokens 1\n");
        ParseResult generate = parse("generate", "--checkpoint", "m", "--prompt", user).subcommand();
        assertEquals(user, generate.commandSpec().findOption("--prompt").getValue());
        assertEquals(100, (int) generate.matchedOptionValue("--max-tokens", 100), "no option came from the file");
    }

    @Test
    void anotherCommandsPathsAndSourceNamesStartingWithAtAreLiteral() throws Exception {
        String x = "@" + file("x", "--overwrite\n");
        String src = "@" + file("src", "Pile-CC\n");
        ParseResult prepare = parse("data", "prepare", "--out", x, "--exclude-source", src).subcommand().subcommand();
        assertEquals(Path.of(x), prepare.matchedOptionValue("--out", null));
        assertEquals(List.of(src), prepare.matchedOptionValue("--exclude-source", List.of()));
        ParseResult importHf = parse("import-hf", "--from", x, "--out", x).subcommand();
        assertEquals(Path.of(x), importHf.matchedOptionValue("--from", null));
        assertEquals(false, importHf.hasMatchedOption("--overwrite"), "no option came from the file");
    }
}
