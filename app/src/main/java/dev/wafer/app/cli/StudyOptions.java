package dev.wafer.app.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.study.StudyTraining;
import picocli.CommandLine.Option;

/**
 * The flags every study shares (a picocli mixin): data, batch shape, seed, parameterisation and output, with the
 * checks that turn a bad value into a {@link UserError} naming the flag before any domain object sees it.
 */
final class StudyOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Where the PNG and JSON go (default: wafer-studies/<study>).")
    Path out;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = "--data", paramLabel = "DIR",
            description = "A dataset from 'wafer data prepare' (default: the embedded sample, prepared with --tokenizer).")
    Path data;

    /** Null when not given: bytes for the sample; refused with --data, whose dataset has its own tokenizer. */
    @Option(names = "--tokenizer", paramLabel = "bytes|gpt2",
            description = "Tokenizer of the embedded sample (default bytes: 257 ids, so tiny models are not mostly"
                    + " embedding); not with --data, which was tokenized when it was prepared.")
    String tokenizer;

    /** The embedded sample's tokenizer: --tokenizer, else bytes. */
    String sampleTokenizer() {
        return tokenizer == null ? "bytes" : tokenizer;
    }

    @Option(names = "--seq", defaultValue = "64", paramLabel = "T", description = "Sequence length (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Sequences per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation, batches and data order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parameterisation", defaultValue = "mup", paramLabel = "sp|mup",
            description = "Standard or maximal-update parameterisation (default ${DEFAULT-VALUE}).")
    String parameterisation;

    /** The --parameterisation flag, parsed. */
    ParameterisationKind kind() {
        try {
            return ParameterisationKind.parse(parameterisation);
        } catch (IllegalArgumentException e) {
            throw new UserError("--parameterisation: " + e.getMessage());
        }
    }

    /** Checks --seq and --batch; every study calls it first. */
    void check() {
        if (seq < 2 || batch < 1) {
            throw new UserError("--seq must be at least 2 and --batch positive");
        }
        if (seq > RunRecipe.MAX_SIZE) {
            throw new UserError("--seq must be in [2, " + RunRecipe.MAX_SIZE + "], found " + seq);
        }
    }

    /** How each run trains: --seq, --batch and --seed, scoring {@code evalSequences} held-out sequences. */
    StudyTraining training(int evalSequences) {
        check();
        if (evalSequences < 0) {
            throw new UserError("--eval-sequences must not be negative, found " + evalSequences);
        }
        return StudyTraining.of(seq, batch, evalSequences, seed);
    }

    /** The --widths flag sorted and deduplicated: at least two positive multiples of --d-head. */
    static List<Integer> widths(List<Integer> widths, int dHead) {
        if (dHead < 1) {
            throw new UserError("--d-head must be positive");
        }
        List<Integer> sorted = widths.stream().sorted().distinct().toList();
        if (sorted.size() < 2) {
            throw new UserError("--widths needs at least two widths");
        }
        for (int w : sorted) {
            if (w < dHead || w % dHead != 0) {
                throw new UserError("--widths: " + w + " is not a positive multiple of --d-head " + dHead);
            }
        }
        return sorted;
    }

    /** The shape of each width's model, keyed {@code --widths W}, for {@link StudyMemory}. */
    static java.util.Map<String, dev.wafer.domain.model.ModelShape> widthRuns(List<Integer> widths, int layers,
            int dHead, int vocab, int seq) {
        java.util.Map<String, dev.wafer.domain.model.ModelShape> runs = new java.util.LinkedHashMap<>();
        for (int w : widths) {
            runs.put("--widths " + w, dev.wafer.domain.study.StudyModels.shape(w, layers, dHead, vocab, seq));
        }
        return runs;
    }

    /**
     * Refuses a token budget (the value of {@code flag}) past {@link StudyTraining#maxTokens()}: runs train whole
     * steps, and rounding a larger budget up to them overflowed into negative steps (an internal error).
     */
    static void tokenBudget(String flag, long tokens, StudyTraining training) {
        if (tokens > training.maxTokens()) {
            throw new UserError(flag + " must be at most " + training.maxTokens() + " (the most whole steps of "
                    + training.batchTokens() + " tokens, --batch x --seq, a run counts), found " + tokens);
        }
    }

    /**
     * Checks that a learning-rate flag is a positive finite number the optimizer can apply as a 32-bit float (one
     * that rounds to 0 or to infinity trained nothing, or NaN).
     */
    static double learningRate(String flag, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UserError(flag + " must be positive and finite, found " + lr);
        }
        if (!dev.wafer.domain.recipe.LearningRates.inRange(lr)) {
            throw new UserError(dev.wafer.domain.recipe.LearningRates.outOfRange(flag, lr));
        }
        return lr;
    }

    /**
     * Builds a study's settings from flags. The commands check each flag first with a precise message; should the
     * domain still refuse the combination, its validation is the user's mistake, so it becomes a {@link UserError}
     * naming the flags, not an internal error.
     */
    static <T> T settings(String flags, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(flags + ": " + e.getMessage());
        }
    }
}
