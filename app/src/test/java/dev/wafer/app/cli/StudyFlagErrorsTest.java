package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.domain.study.StudyListener;

/**
 * Bad {@code wafer study} flags are the user's mistake: one {@code wafer:} line naming the flag and exit code 2, never
 * the internal-error report (exit 70) that a domain precondition reaching the CLI untranslated would give. Every case
 * fails before any data is opened or model trained.
 */
class StudyFlagErrorsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "lr-sweep    | --eval-sequences         | -1             | --eval-sequences must not be negative",
        "lr-sweep    | --lrs                    | 1e-3,Infinity  | --lrs must be positive and finite",
        "lr-sweep    | --lrs                    | 1e-3,1e-50     | --lrs must be in [1.1754944E-38, 3.4028235E38], the positive 32-bit floats the optimizer applies it as, found 1.0E-50",
        "coord-check | --lr                     | 1e39           | --lr must be in [1.1754944E-38, 3.4028235E38]",
        "lr-sweep    | --tokens                 | 0              | --tokens must cover at least one step (--batch x --seq, 512 tokens), found 0",
        "coord-check | --lr                     | Infinity       | --lr must be positive and finite",
        "coord-check | --seeds                  | 0              | --seeds must be a positive whole number, found 0",
        "coord-check | --steps                  | 0              | --steps must be a positive whole number, found 0",
        "coord-check | --layers                 | -1             | --layers must be a positive whole number, found -1",
        "lr-sweep    | --layers                 | 0              | --layers must be positive, found 0",
        "coord-check | --parameterisation       | xp             | --parameterisation:",
        "scaling     | --extra-tokens-per-param | 1,-2           | --extra-tokens-per-param must be positive",
        "scaling     | --eval-sequences         | -1             | --eval-sequences must not be negative",
        "scaling     | --extra-size             | 24x1           | --extra-size: 24x1: width 24 is not a positive multiple of --d-head 16",
        "scaling     | --lr                     | -1             | --lr must be positive and finite",
        "scaling     | --sizes                  | 16x1,16x1,48x1 | --sizes: 16x1 is given twice",
        "scaling     | --extra-size             | 32x1           | --extra-size 32x1: only with --extra-tokens-per-param",
        "scaling     | --sizes                  | 16x1,32x1,1073741824x1 | --sizes: 1073741824x1: width must be in [1, 1048576]",
        "scaling     | --seq                    | 2147483647     | --seq must be in [2, 1048576], found 2147483647",
        "scaling     | --extra-tokens-per-param | 2,2            | --extra-tokens-per-param: 2.0 is given twice",
    })
    void badFlagIsOneLineWithExitCode2(String study, String flag, String value, String message) {
        CliRun run = study(study, "--out", tmp.toString(), flag, value);
        assertOneLineUsageError(run, message);
    }

    /**
     * A token budget near Long.MAX_VALUE overflowed when rounded up to whole steps: an internal error ("steps must be
     * positive, found -18014398509481983", exit 70) that left an empty --out folder behind. Refused up front, naming
     * the largest budget (whole steps of 512 tokens a long counts), with no folder made.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "lr-sweep   | --tokens        | 9223372036854775807 | --widths 32,64 --lrs 1e-3 --eval-sequences 8",
        "lr-sweep   | --tokens        | 9223372036854775297 | --widths 32,64 --lrs 1e-3 --eval-sequences 8",
        "mup-search | --budget-tokens | 9223372036854775807 | --proxy mup-proxy-64 --samples 1 --eval-sequences 8",
    })
    void aTokenBudgetPastTheMostStepsIsRefusedAndLeavesNoFolder(String study, String flag, String value,
            String others) {
        Path out = tmp.resolve("never-made");
        List<String> args = new ArrayList<>(List.of("--out", out.toString(), flag, value));
        args.addAll(List.of(others.split(" ")));
        CliRun run = study(study, args.toArray(String[]::new));
        assertOneLineUsageError(run, flag + " must be at most 9223372036854775296 (the most whole steps of 512"
                + " tokens, --batch x --seq, a run counts), found " + value);
        assertTrue(!java.nio.file.Files.exists(out), "a refused study makes no --out folder");
    }

    /**
     * coord-check keeps every step's activations: --steps 2147483647 ran out of memory (exit 71, advising a
     * --micro-batch it does not have); past the most it is refused up front, with no --out folder made.
     */
    @Test
    void coordCheckStepsPastTheMostAreRefused() {
        Path out = tmp.resolve("never-made");
        CliRun run = study("coord-check", "--out", out.toString(), "--widths", "32,64", "--seq", "16", "--batch", "2",
                "--steps", "2147483647");
        assertOneLineUsageError(run, "--steps must be at most 10000 (every step's mean |activation| of every layer"
                + " is kept and written to the JSON; the check is about the first steps), found 2147483647");
        assertTrue(!java.nio.file.Files.exists(out), "a refused study makes no --out folder");
    }

    /** The largest budget itself rounds to whole steps without overflowing (it is a whole number of steps). */
    @Test
    void theLargestBudgetIsWholeSteps() {
        var training = dev.wafer.domain.study.StudyTraining.of(64, 8, 0, 1);
        var sweep = new dev.wafer.domain.study.LearningRateSweep.Settings(
                dev.wafer.domain.param.ParameterisationKind.MUP, List.of(32, 64), List.of(1e-3), 1, 32,
                training.maxTokens(), training);
        assertEquals(Long.MAX_VALUE / 512, sweep.steps());
        var search = new dev.wafer.domain.study.MupSearch.Settings("p", 64, 1, 32, 1, training.maxTokens() - 1,
                training);
        assertEquals(Long.MAX_VALUE / 512, search.steps());
    }

    @Test
    void missingDatasetNamesTheDataFlag() {
        Path missing = tmp.resolve("no-such-dataset");
        CliRun run = study("coord-check", "--out", tmp.toString(), "--data", missing.toString(), "--widths", "32,64");
        assertOneLineUsageError(run, "--data " + missing + ": no manifest.json");
    }

    @Test
    void unknownTokenizerIsAUsageError() {
        CliRun run = study("coord-check", "--out", tmp.toString(), "--tokenizer", "klingon");
        assertOneLineUsageError(run, "--tokenizer 'klingon'");
    }

    /** --tokenizer with --data was ignored (the dataset keeps its own tokenizer): refused, for every study. */
    @Test
    void aTokenizerWithADatasetIsRefused() {
        Path data = tmp.resolve("any-dataset");
        for (String study : new String[] {"coord-check", "lr-sweep", "scaling", "mup-search"}) {
            CliRun run = study.equals("mup-search")
                    ? study(study, "--out", tmp.resolve(study).toString(), "--data", data.toString(), "--tokenizer",
                            "gpt2", "--proxy", "mup-proxy-64", "--samples", "1")
                    : study(study, "--out", tmp.resolve(study).toString(), "--data", data.toString(),
                            "--tokenizer", "gpt2");
            assertOneLineUsageError(run, "--tokenizer gpt2 goes with the embedded sample; --data " + data
                    + " was tokenized when it was prepared; leave --tokenizer out");
        }
    }

    @Test
    void aLearningRateThatDivergesTheFitIsAUsageError() {
        Path data = tmp.resolve("bytes16");
        StudyData.bytes16(data);
        CliRun run = study("scaling", "--out", tmp.toString(), "--data", data.toString(), "--seq", "16", "--batch",
                "2", "--sizes", "16x1,32x1,48x1", "--tokens-per-param", "0.05", "--eval-sequences", "0", "--lr", "1e6");
        assertOneLineUsageError(run, "--lr 1000000.0: only ");
    }

    /**
     * A width or size no memory holds is refused before any run trains, as train refuses it (it was an internal
     * error, "cannot allocate ... values in one tensor", after the smaller runs had trained).
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "coord-check | --widths | 32,65536          | --widths 65536: the run does not fit in memory",
        "lr-sweep    | --widths | 32,2000000        | --widths 2000000: the run does not fit in memory",
        "scaling     | --sizes  | 16x1,32x1,1048576x1 | --sizes 1048576x1: the run does not fit in memory",
    })
    void aModelNoMemoryHoldsIsRefusedBeforeAnyRunTrains(String study, String flag, String value, String message) {
        Path data = tmp.resolve("bytes16-memory");
        StudyData.bytes16(data);
        CliRun run = study(study, "--out", tmp.resolve("out").toString(), "--data", data.toString(), "--seq", "16",
                "--batch", "2", flag, value);
        assertOneLineUsageError(run, message);
        assertTrue(run.err().contains("parameters, gradients and AdamW moments need"), run.err());
    }

    /**
     * A run that does not fit because of its batch shape names --seq and --batch first (coord-check --seq 100000
     * blamed "--widths 32").
     */
    @Test
    void aSequenceNoMemoryHoldsNamesTheSequenceLength() {
        var shape = dev.wafer.domain.study.StudyModels.shape(32, 2, 32, 257, 100_000);
        var budget = new dev.wafer.app.backend.MemoryBudget(1L << 30, "JVM heap", false);
        UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> StudyMemory.check(budget,
                java.util.Map.of("--widths 32", shape), 8, 100_000));
        assertTrue(e.getMessage().startsWith("--seq 100000 and --batch 8 (--widths 32): the run does not fit"),
                e.getMessage());
        var wide = dev.wafer.domain.study.StudyModels.shape(65536, 2, 32, 257, 16);
        e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> StudyMemory.check(budget,
                java.util.Map.of("--widths 65536", wide), 2, 16));
        assertTrue(e.getMessage().startsWith("--widths 65536: the run does not fit"), e.getMessage());
    }

    /** Coord-check scores no held-out data, nor an lr-sweep with --eval-sequences 0: no validation split needed. */
    @Test
    void studiesThatScoreNoHeldOutDataTakeADatasetWithoutAValidationSplit() {
        Path data = tmp.resolve("noval");
        StudyData.bytes16(data, "1,0,0");
        CliRun coord = study("coord-check", "--out", tmp.resolve("cc").toString(), "--data", data.toString(),
                "--seq", "16", "--batch", "2", "--widths", "32,64", "--steps", "2", "--d-head", "16", "--layers", "1");
        assertEquals(0, coord.exitCode(), coord.err());
        CliRun sweep = study("lr-sweep", "--out", tmp.resolve("lr").toString(), "--data", data.toString(), "--seq",
                "16", "--batch", "2", "--widths", "32,64", "--lrs", "1e-3,1e-2", "--tokens", "64", "--d-head", "16",
                "--layers", "1", "--eval-sequences", "0");
        assertEquals(0, sweep.exitCode(), sweep.err());
        CliRun scored = study("lr-sweep", "--out", tmp.resolve("lr2").toString(), "--data", data.toString(), "--seq",
                "16", "--batch", "2", "--widths", "32,64", "--lrs", "1e-3,1e-2", "--tokens", "64", "--d-head", "16",
                "--layers", "1", "--eval-sequences", "4");
        assertEquals(2, scored.exitCode(), "held-out sequences asked of data without them: " + scored.err());
        assertEquals("wafer: --eval-sequences 4: dataset " + data + " has no validation split to score (prepared"
                + " without one); leave it out (or give --eval-sequences 0)", scored.err().strip());
    }

    /**
     * --eval-sequences left at its default on a dataset whose validation split is empty: the study reports the
     * training loss and says so, as for a split of one sequence (it named a missing val-00000.bin, exit 2).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "lr-sweep   | 256 | --widths 32,64 --lrs 1e-3 --tokens 64 --layers 1 --d-head 16",
        "scaling    | 512 | --sizes 16x1,32x1,48x1 --tokens-per-param 0.02",
        "mup-search |  64 | --proxy mup-proxy-64 --samples 1 --budget-tokens 64",
    })
    void anEmptyValidationSplitIsScoredAsTheTrainingLossWithOneLine(String study, int asked, String flags) {
        Path data = tmp.resolve("noval");
        StudyData.bytes16(data, "1,0,0");
        List<String> args = new ArrayList<>(List.of("--out", tmp.resolve("o").toString(), "--data",
                data.toString(), "--seq", "16", "--batch", "2", "--seed", "7"));
        args.addAll(List.of(flags.split(" ")));
        CliRun run = study(study, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("wafer: --eval-sequences " + asked + ": the validation split has no sequence to score (it"
                + " needs two); the loss reported is the training loss of the last steps"), run.err());
    }

    /**
     * A study refused once its data is open (here --tokens-per-param, checked against the data's vocabulary) left
     * the --out folder it had just made behind, empty; it is removed again. A folder that existed stays.
     */
    @Test
    void aStudyRefusedAfterMakingItsFolderRemovesIt() throws java.io.IOException {
        Path data = tmp.resolve("bytes16-refused");
        StudyData.bytes16(data);
        Path out = tmp.resolve("made-then-refused");
        String[] flags = {"--data", data.toString(), "--seq", "16", "--batch", "2", "--sizes", "16x1,32x1,48x1",
                "--tokens-per-param", "1e30", "--eval-sequences", "0"};
        List<String> args = new ArrayList<>(List.of("--out", out.toString()));
        args.addAll(List.of(flags));
        CliRun run = study("scaling", args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(!java.nio.file.Files.exists(out), "the refused study's --out folder is gone: " + run.err());
        Path existing = java.nio.file.Files.createDirectories(tmp.resolve("existing"));
        List<String> again = new ArrayList<>(List.of("--out", existing.toString()));
        again.addAll(List.of(flags));
        assertEquals(2, study("scaling", again.toArray(String[]::new)).exitCode());
        assertTrue(java.nio.file.Files.isDirectory(existing), "a folder the user had stays");
    }

    /** A study on a fraction of the split says nothing of seeing it more than once; a degenerate fit is flagged. */
    @Test
    void theScalingStudySaysOnlyWhatIsTrue() {
        Path data = tmp.resolve("bytes16-scaling");
        StudyData.bytes16(data);
        CliRun run = CliRun.of("study", "scaling", "--out", tmp.resolve("sc").toString(), "--data", data.toString(),
                "--seq", "16", "--batch", "2", "--sizes", "16x1,32x1,48x1", "--tokens-per-param", "0.02",
                "--eval-sequences", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("scaling study: 3 runs"), run.err());
        assertTrue(!run.err().contains("more than once"), run.err());
    }

    @Test
    void finiteRunCountCountsOnlyTheFirstRunsThatConverged() {
        FiniteRunCount count = new FiniteRunCount(StudyListener.NONE, 2);
        double[] losses = {3.0, Double.NaN, 2.0};
        for (int i = 0; i < losses.length; i++) {
            count.runStarted("run " + i, i, losses.length, 1);
            count.runFinished("run " + i, losses[i]);
        }
        assertEquals(1, count.finite(), "run 1 diverged and run 2 is past the counted runs");
    }

    private static CliRun study(String study, String... args) {
        List<String> all = new ArrayList<>(List.of("study", study, "--quiet"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static void assertOneLineUsageError(CliRun run, String message) {
        assertEquals(2, run.exitCode(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("wafer: " + message), err);
        assertEquals(1, err.lines().count(), err);
    }
}
