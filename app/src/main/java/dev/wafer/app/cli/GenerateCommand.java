package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.text.Tokenizers;
import dev.wafer.domain.generate.GenerationResult;
import dev.wafer.domain.generate.Generator;
import dev.wafer.domain.generate.SamplingSettings;
import dev.wafer.domain.generate.TruncatedVocabulary;
import dev.wafer.domain.model.GptInference;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.text.Tokenizer;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer generate}: samples a continuation of a prompt with a key/value cache (one position per new token),
 * streaming text to stdout as tokens are produced and stopping at end-of-text.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a checkpoint (train --out, import-hf), streamed as it is produced.")
public final class GenerateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    @Inject
    CheckpointStore store;

    @Inject
    Tokenizers tokenizers;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint file or a train --out directory.")
    Path checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", parameterConsumer = PromptText.AnyText.class,
            description = "The text to continue, whatever it starts with ('-' included).")
    String prompt;

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "Continue this UTF-8 file's text, as it is (lines included); instead of --prompt.")
    Path promptFile;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "Divide the logits by T; 0 is greedy (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Keep the K most likely tokens; 0 keeps all (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
            description = "Keep the most likely tokens up to probability P; 1 keeps all (default ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the sampler (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-tokens", defaultValue = "100", paramLabel = "N", description = "Most new tokens (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public void run() {
        String prompt = PromptText.of(this.prompt, promptFile);
        String promptFlag = promptFile != null ? "--prompt-file " + promptFile : "--prompt";
        // Checked here to name the flags (SamplingSettings' own messages say "temperature", "top-k", "top-p").
        if (!(temperature >= 0 && Double.isFinite(temperature))) {
            throw new UserError("--temperature must be a finite number >= 0 (0 is greedy), found " + temperature);
        }
        if (topK < 0) {
            throw new UserError("--top-k must be >= 0 (0 keeps all), found " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new UserError("--top-p must be in (0, 1] (1 keeps all), found " + topP);
        }
        SamplingSettings sampling = new SamplingSettings(temperature, topK, topP, seed);
        if (maxTokens < 0) {
            throw new UserError("--max-tokens must be >= 0, found " + maxTokens);
        }
        CheckpointedModel model = CheckpointedModel.read(store, "--checkpoint", checkpoint);
        // Prompt and output go through the tokenizer of the data it was trained on (GPT-2 without recorded data).
        String trainedWith = TrainedTokenizer.nameFor(model);
        String label = trainedWith.startsWith("bytes") ? "byte" : "GPT-2";
        if (!trainedWith.startsWith("bytes") && !trainedWith.startsWith("gpt2")) {
            TrainedTokenizer t = TrainedTokenizer.of(model).orElseThrow();
            throw new UserError("--checkpoint " + model.file() + " was trained on " + t.trainedOn(t.tokenizer())
                    + "; generate reads and writes text with the bytes-utf8 or gpt2 tokenizer only");
        }
        Tokenizer tokenizer = tokenizers.create(label.equals("byte") ? "bytes" : "gpt2");
        if (model.shape().vocabSize() < tokenizer.vocabSize()) {
            // A smaller vocabulary (a --vocab model) cannot read the prompt nor be decoded, whatever the prompt says.
            throw new UserError("--checkpoint " + model.file() + " has a vocabulary of " + model.shape().vocabSize()
                    + " tokens; generate reads and writes text with the " + label + " tokenizer and needs a " + label
                    + "-vocabulary model (at least " + tokenizer.vocabSize() + " tokens)");
        }
        int[] ids = prompt.isEmpty() ? new int[] {tokenizer.endOfTextId()} : tokenizer.encode(prompt);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= model.shape().vocabSize()) {
                throw new UserError(promptFlag + ": " + label + " token " + ids[i] + " at position " + i + " is outside the model's"
                        + " vocabulary of " + model.shape().vocabSize() + " (" + model.file() + ")");
            }
        }
        if (ids.length > model.shape().seqLength()) {
            throw new UserError(promptFlag + " has " + ids.length + " tokens; the model holds " + model.shape().seqLength());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ComputeBackend backend = backends.open(); TensorScope scope = backend.openScope()) {
            GptInference inference = new GptInference(backend, scope, model.upload(scope), model.parameterisation());
            int eot = tokenizer.endOfTextId() < model.shape().vocabSize() ? tokenizer.endOfTextId() : -1;
            TextStream stream = new TextStream(tokenizer, out);
            // A padded vocabulary (50,304) has ids the tokenizer cannot decode: they are never chosen.
            GenerationResult result = new Generator(sampling, maxTokens, eot).generate(
                    new TruncatedVocabulary(inference, tokenizer.vocabSize()), ids, stream::accept);
            stream.finish();
            err.printf(Locale.ROOT, "[%d tokens, stopped: %s]%n", result.tokens().length,
                    result.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            err.flush();
        } catch (dev.wafer.domain.generate.NonFiniteOutputException e) {
            throw CheckpointedModel.broken("--checkpoint " + checkpoint, e);
        }
    }

    /**
     * Prints decoded text as tokens arrive. A token may end in the middle of a UTF-8 character, so text is printed
     * only up to the last complete character; the rest follows with the next token.
     */
    static final class TextStream {
        private final Tokenizer tokenizer;
        private final PrintWriter out;
        private final java.util.List<Integer> pending = new java.util.ArrayList<>();

        TextStream(Tokenizer tokenizer, PrintWriter out) {
            this.tokenizer = tokenizer;
            this.out = out;
        }

        void accept(int token) {
            pending.add(token);
            String text = decode();
            if (!text.endsWith("\uFFFD")) {
                out.print(text);
                out.flush();
                pending.clear();
            }
        }

        void finish() {
            if (!pending.isEmpty()) {
                out.print(decode());
            }
            out.println();
            out.flush();
        }

        private String decode() {
            return tokenizer.decode(pending.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
