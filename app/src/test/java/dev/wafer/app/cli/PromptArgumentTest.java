package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.wafer.app.backend.BackendCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code generate --prompt} takes any text, '-' first included (picocli refused {@code -hi there} and
 * {@code -Vote now} as the options -h and -V, even after '='), while a forgotten text before another option is
 * still refused; {@code --prompt-file} reads a file's text as it is.
 */
class PromptArgumentTest {
    @TempDir
    Path tmp;

    private static String prompt(String... args) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cli = WaferCommand.commandLine(discard, discard, Map.of(), BackendCatalog.standard());
        String[] all = new String[args.length + 3];
        all[0] = "generate";
        all[1] = "--checkpoint";
        all[2] = "m";
        System.arraycopy(args, 0, all, 3, args.length);
        // The value as set: picocli does not list an option taken by a parameter consumer among the matched ones.
        return cli.parseArgs(all).subcommand().commandSpec().findOption("--prompt").getValue();
    }

    @Test
    void aPromptMayStartWithADash() {
        assertEquals("-hi there", prompt("--prompt=-hi there"));
        assertEquals("-Vote now", prompt("--prompt=-Vote now"));
        assertEquals("-hi there", prompt("--prompt", "-hi there"));
        assertEquals("-x", prompt("--prompt", "-x", "--max-tokens", "1"));
        assertEquals("--", prompt("--prompt", "--"));
        assertEquals("", prompt("--prompt="));
    }

    @Test
    void aForgottenPromptBeforeAnOptionIsStillRefused() {
        for (String[] args : new String[][] {{"--prompt", "--max-tokens", "5"}, {"--prompt", "--max-tokens=5"},
            {"--prompt", "-h"}, {"--prompt", "-hV"}, {"--prompt", "--backend", "cpu"}}) {
            ParameterException e = assertThrows(ParameterException.class, () -> prompt(args), String.join(" ", args));
            assertTrue(e.getMessage().startsWith("--prompt expected the text to continue but found the option '"
                    + args[1] + "'"), e.getMessage());
        }
        assertThrows(ParameterException.class, () -> prompt("--prompt"));
        ParameterException twice = assertThrows(ParameterException.class, () -> prompt("--prompt", "a", "--prompt", "b"));
        assertTrue(twice.getMessage().contains("only once"), twice.getMessage());
    }

    @Test
    void aPromptFileIsReadAsItIs() throws Exception {
        String text = "#draft\nOnce upon a time\r\n  -hi --max-tokens 1 \u00e9\n\n";
        Path file = Files.writeString(tmp.resolve("story.txt"), text, StandardCharsets.UTF_8);
        assertEquals(text, PromptText.of(null, file));
        assertEquals("-h", PromptText.of("-h", null));
    }

    @Test
    void aPromptFileThatIsNotUtf8TextOrMissingIsOneLineNamingIt() throws Exception {
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        UserError e = assertThrows(UserError.class, () -> PromptText.of(null, latin1));
        assertEquals("--prompt-file " + latin1 + ": not UTF-8 text (an invalid byte at offset 3)", e.getMessage());
        Path cut = Files.write(tmp.resolve("cut.txt"), new byte[] {'a', (byte) 0xC3});
        e = assertThrows(UserError.class, () -> PromptText.of(null, cut));
        assertEquals("--prompt-file " + cut + ": not UTF-8 text (an invalid byte at offset 1)", e.getMessage());
        Path missing = tmp.resolve("missing.txt");
        e = assertThrows(UserError.class, () -> PromptText.of(null, missing));
        assertEquals("--prompt-file " + missing + ": no such file", e.getMessage());
        e = assertThrows(UserError.class, () -> PromptText.of(null, tmp));
        assertEquals("--prompt-file " + tmp + ": is a directory, not a file", e.getMessage());
    }

    @Test
    void exactlyOneOfPromptAndPromptFile() {
        UserError both = assertThrows(UserError.class, () -> PromptText.of("x", tmp.resolve("p.txt")));
        assertEquals("--prompt and --prompt-file both given; give the prompt one way", both.getMessage());
        UserError neither = assertThrows(UserError.class, () -> PromptText.of(null, null));
        assertEquals("generate needs a prompt: --prompt TEXT or --prompt-file FILE", neither.getMessage());
    }
}
