package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Stack;

import dev.wafer.formats.fileio.FileKinds;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;

/** {@code generate}'s prompt: {@code --prompt TEXT} whatever the text starts with, or {@code --prompt-file FILE}. */
final class PromptText {
    private PromptText() {
    }

    /** The prompt the user gave in one of the two ways (exactly one is required). */
    static String of(String prompt, Path promptFile) {
        if (prompt != null && promptFile != null) {
            throw new UserError("--prompt and --prompt-file both given; give the prompt one way");
        }
        if (prompt == null && promptFile == null) {
            throw new UserError("generate needs a prompt: --prompt TEXT or --prompt-file FILE");
        }
        return prompt != null ? prompt : read(promptFile);
    }

    /** A prompt file's text as it is (no line or white space dropped), refused unless it is UTF-8. */
    static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--prompt-file " + file + ": " + FileKinds.whyNotAFile(file));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("--prompt-file " + file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = utf8.decode(in, out, true);
        if (!result.isError()) {
            result = utf8.flush(out);
        }
        if (result.isError()) {
            throw new UserError("--prompt-file " + file + ": not UTF-8 text (an invalid byte at offset "
                    + in.position() + ")");
        }
        return out.flip().toString();
    }

    /**
     * Takes the next argument as the text, even one starting with '-': picocli took {@code -hi there} for the options
     * {@code -h}/{@code -V} and refused it, even as {@code --prompt=-hi there}. An argument that is one of the command's
     * options ({@code --prompt --max-tokens 5}: the text forgotten) is still refused, as picocli did; picocli cannot
     * tell it from {@code --prompt=--max-tokens}, so a prompt that is an option's name goes in a --prompt-file.
     */
    static final class AnyText implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec arg, CommandSpec command) {
            String option = "--prompt";
            if (args.isEmpty()) {
                throw new MissingParameterException(command.commandLine(), arg,
                        "Missing required parameter for option '" + option + "' (TEXT)");
            }
            String text = args.pop();
            if (namesAnOption(text, command)) {
                throw new ParameterException(command.commandLine(), option + " expected the text to continue but found"
                        + " the option '" + text + "' (is the text missing?); a prompt that is an option's name can be"
                        + " given with --prompt-file FILE");
            }
            if (arg.getValue() != null) { // picocli's own check, which a consumer bypasses
                throw new OverwrittenOptionException(command.commandLine(), arg,
                        "option '" + option + "' (TEXT) should be specified only once");
            }
            arg.setValue(text);
        }

        /** {@code --max-tokens}, {@code --max-tokens=5}, {@code -h}, or a cluster of short options ({@code -hV}). */
        private static boolean namesAnOption(String text, CommandSpec command) {
            int eq = text.indexOf('=');
            if (command.optionsMap().containsKey(eq > 0 ? text.substring(0, eq) : text)) {
                return true;
            }
            if (text.length() < 2 || text.charAt(0) != '-' || text.charAt(1) == '-') {
                return false;
            }
            return text.substring(1).chars().allMatch(c -> command.posixOptionsMap().containsKey((char) c));
        }
    }
}
