package dev.wafer.domain.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.RunSpec;

/**
 * A request becomes the run the paper's recipe and Wafer's defaults say: presets keep Table 1's schedule, runs
 * without one get the default tiny model and its learning rates, overrides win, and a resume refuses what the
 * checkpoint fixes.
 */
class RunRecipeTest {
    private static final DataSpec DATA = DataSpec.of(DataKind.SYNTHETIC);
    /** Micro-batches of 2, and any micro-batch a request names. */
    private static final MicroBatchSizer SIZER = new FixedMicroBatchSizer(2);

    private static RunRequest request(String preset, String parameterisation, Long steps, Double lr, Long seed) {
        return new RunRequest(preset, RunRequest.Shape.NONE, parameterisation, steps, lr, null, null, null, null,
                null, null, seed, false, false, false);
    }

    @Test
    void theDefaultRunIsTheTinyModelAtItsLearningRates() {
        RunSpec sp = RunRecipe.fresh(RunRequest.defaults(), DATA, SIZER);
        assertEquals(RunRecipe.DEFAULT_SHAPE, sp.shape());
        assertEquals(RunRecipe.DEFAULT_STEPS, sp.schedule().totalSteps());
        assertEquals(2e-3, sp.schedule().lrInTokens().peak());
        assertEquals(RunRecipe.DEFAULT_SEED, sp.seed());
        assertEquals(2, sp.microBatch());
        RunSpec mup = RunRecipe.fresh(request(null, "mup", null, null, null), DATA, SIZER);
        assertEquals(6e-3, mup.schedule().lrInTokens().peak());
        assertEquals(3e-3, LearningRates.forStudy(ParameterisationKind.SP));
        assertEquals(6e-3, LearningRates.forStudy(ParameterisationKind.MUP));
    }

    /**
     * A preset run in the other parameterisation takes Table 1's row of the same shape in it, peak and decay: it took
     * a fixed 6e-3 or 6e-4 and kept the preset's decay (1.3B as muP decayed by cosine; 2.7B-mup as SP ran at 6e-4,
     * three times 2.7B's 2e-4, with a linear decay where 2.7B's is cosine).
     */
    @Test
    void aPresetInTheOtherParameterisationTakesItsTableOneSiblingsRecipe() {
        for (String[] pair : new String[][] {{"1.3B", "mup", "1.3B-mup"}, {"2.7B", "mup", "2.7B-mup"},
                {"2.7B-mup", "sp", "2.7B"}, {"590M-mup", "sp", "590M"}, {"111M-mup", "sp", "111M"}}) {
            RunSpec run = RunRecipe.fresh(request(pair[0], pair[1], null, null, null), DATA, SIZER);
            var sibling = CerebrasGptFamily.require(pair[2]).schedule().lrInTokens();
            assertEquals(sibling.peak(), run.schedule().lrInTokens().peak(), pair[0] + " as " + pair[1]);
            assertEquals(sibling.type(), run.schedule().lrInTokens().type(), pair[0] + " as " + pair[1]);
        }
        // 6.7B has no muP row: muP's transferred rate, and linear as every muP row.
        RunSpec big = RunRecipe.fresh(request("6.7B", "mup", null, null, null), DATA, SIZER);
        assertEquals(LearningRates.MUP, big.schedule().lrInTokens().peak());
        assertEquals(dev.wafer.domain.schedule.DecayType.LINEAR, big.schedule().lrInTokens().type());
    }

    /** Each shape flag out of range is named with its value (one line used to name all five and no value). */
    @Test
    void aShapeFlagOutOfRangeIsNamedWithItsValue() {
        ModelShape base = RunRecipe.DEFAULT_SHAPE;
        java.util.Map<String, RunRequest.Shape> cases = new java.util.LinkedHashMap<>();
        cases.put("--d-model must be positive, found 0", new RunRequest.Shape(0, null, null, null, null, null));
        cases.put("--layers must be positive, found -1", new RunRequest.Shape(null, -1, null, null, null, null));
        cases.put("--heads must be positive, found 0", new RunRequest.Shape(null, null, 0, null, null, null));
        cases.put("--seq must be positive, found 0", new RunRequest.Shape(null, null, null, 0, null, null));
        cases.put("--vocab must be at least 2, found 1", new RunRequest.Shape(null, null, null, null, null, 1));
        cases.forEach((message, shape) -> assertEquals(message, assertThrows(RunRequestException.class,
                () -> RunRecipe.shape(base, shape)).getMessage()));
    }

    @Test
    void aPresetKeepsItsScheduleUnlessOverridden() {
        RunSpec run = RunRecipe.fresh(request("111M", null, null, null, null), DATA, SIZER);
        assertEquals(CerebrasGptFamily.require("111M").schedule(), run.schedule());
        RunSpec asMup = RunRecipe.fresh(request("111M", "mup", null, null, null), DATA, SIZER);
        assertEquals(LearningRates.MUP, asMup.schedule().lrInTokens().peak());
        RunSpec faster = RunRecipe.fresh(request("111M", null, null, 1e-3, 7L), DATA, SIZER);
        assertEquals(1e-3, faster.schedule().lrInTokens().peak());
        assertEquals(7, faster.seed());
        RunRequestException e = assertThrows(RunRequestException.class,
                () -> RunRecipe.fresh(request("111M", null, 10L, null, null), DATA, SIZER));
        assertTrue(e.getMessage().startsWith("--steps cannot be combined with --preset"), e.getMessage());
        assertEquals("--preset: ", assertThrows(RunRequestException.class,
                () -> RunRecipe.fresh(request("no-such-model", null, null, null, null), DATA, SIZER)).getMessage()
                .substring(0, 10));
    }

    @Test
    void aCheckpointFixesTheRecipeButNotTheBatchOrMicroBatch() {
        assertEquals(Optional.of("--lr"), ResumePolicy.firstFixed(request(null, null, null, 1e-3, null)));
        assertEquals(Optional.of("--seed"), ResumePolicy.firstFixed(request(null, null, null, null, 3L)));
        RunRequest batch = new RunRequest(null, RunRequest.Shape.NONE, null, null, null, null, null, 2048L, 4, null,
                null, null, false, false, false);
        assertEquals(Optional.empty(), ResumePolicy.firstFixed(batch));
        RunSpec saved = RunRecipe.fresh(RunRequest.defaults(), new DataSpec(DataKind.DATASET, "/data", ""), SIZER);
        long trained = 100L * saved.schedule().batches().tokensPerStepAt(0);
        RunSpec resumed = RunRecipe.resumed(saved, trained, batch, "/moved", SIZER);
        assertEquals(4, resumed.microBatch());
        assertEquals(2048 / saved.seqLength(), resumed.schedule().batches().sequencesAtStep(200));
        assertEquals(saved.schedule().lrInTokens(), resumed.schedule().lrInTokens());
        assertEquals("/moved", resumed.data().path());
        assertThrows(RunRequestException.class,
                () -> RunRecipe.resumed(saved, trained, request(null, null, null, 1e-3, null), null, SIZER));
        // Synthetic tokens and the embedded sample have no place to move from: a path is refused, never recorded.
        for (DataKind kind : new DataKind[] {DataKind.SYNTHETIC, DataKind.SAMPLE}) {
            RunSpec pathless = RunRecipe.fresh(RunRequest.defaults(), DataSpec.of(kind), SIZER);
            RunRequestException e = assertThrows(RunRequestException.class,
                    () -> RunRecipe.resumed(pathless, trained, batch, "/moved", SIZER));
            assertTrue(e.getMessage().startsWith("--data cannot be given on resume: this run trained on "
                    + (kind == DataKind.SAMPLE ? "the embedded sample," : "synthetic tokens,")), e.getMessage());
            assertEquals(DataSpec.of(kind), RunRecipe.resumed(pathless, trained, batch, null, SIZER).data());
        }
    }

    private static RunRequest mup(String parameterisation, Double lr, RunRequest.Mup triple) {
        return new RunRequest(null, RunRequest.Shape.NONE, parameterisation, null, lr, null, null, null, null, null,
                null, null, false, false, false, triple);
    }

    @Test
    void theMupFlagsSetTheTripleAndThePeak() {
        RunSpec tuned = RunRecipe.fresh(mup("mup", null, new RunRequest.Mup(1e-2, 0.05, 4.0)), DATA, SIZER);
        assertEquals(new MupHyperparameters(1e-2, 0.05, 4.0), tuned.mup());
        assertEquals(1e-2, tuned.schedule().lrInTokens().peak(), "η_base is the muP peak");
        assertEquals(4f, tuned.parameterisationRules().embeddingMultiplier());
        RunSpec partly = RunRecipe.fresh(mup("mup", 3e-3, new RunRequest.Mup(null, 0.1, null)), DATA, SIZER);
        assertEquals(new MupHyperparameters(3e-3, 0.1, 10.0), partly.mup(), "the rest keeps the paper's values");
        RunSpec preset = RunRecipe.fresh(new RunRequest("111M", RunRequest.Shape.NONE, "mup", null, null, null, null,
                null, null, null, null, null, false, false, false, new RunRequest.Mup(2e-3, null, 5.0)), DATA, SIZER);
        assertEquals(new MupHyperparameters(2e-3, 0.08, 5.0), preset.mup());
        assertEquals(2e-3, preset.schedule().lrInTokens().peak());
        assertEquals(null, RunRecipe.fresh(RunRequest.defaults(), DATA, SIZER).mup(), "SP has no triple");
    }

    @Test
    void theMupFlagsAreRefusedForSpNonPositiveValuesAndBesideLr() {
        assertEquals("--mup-init-std applies to muP runs only, and this run is sp (give --parameterisation mup or a"
                + " muP preset)", assertThrows(RunRequestException.class, () -> RunRecipe.fresh(
                        mup(null, null, new RunRequest.Mup(null, 0.05, null)), DATA, SIZER)).getMessage());
        assertTrue(assertThrows(RunRequestException.class, () -> RunRecipe.fresh(
                mup("sp", null, new RunRequest.Mup(6e-3, null, null)), DATA, SIZER)).getMessage()
                .startsWith("--mup-base-lr applies to muP runs only"));
        assertEquals("--mup-emb-mult must be positive, found 0.0", assertThrows(RunRequestException.class,
                () -> RunRecipe.fresh(mup("mup", null, new RunRequest.Mup(null, null, 0.0)), DATA, SIZER))
                .getMessage());
        assertEquals("--mup-base-lr must be positive, found -1.0", assertThrows(RunRequestException.class,
                () -> RunRecipe.fresh(mup("mup", null, new RunRequest.Mup(-1.0, null, null)), DATA, SIZER))
                .getMessage());
        assertTrue(assertThrows(RunRequestException.class, () -> RunRecipe.fresh(
                mup("mup", 1e-3, new RunRequest.Mup(1e-3, null, null)), DATA, SIZER)).getMessage()
                .startsWith("--mup-base-lr and --lr"));
    }

    @Test
    void aCheckpointFixesTheTriple() {
        RunSpec saved = RunRecipe.fresh(mup("mup", null, new RunRequest.Mup(1e-2, 0.05, 4.0)), DATA, SIZER);
        for (RunRequest.Mup change : new RunRequest.Mup[] {new RunRequest.Mup(2e-2, null, null),
            new RunRequest.Mup(null, 0.06, null), new RunRequest.Mup(null, null, 5.0)}) {
            RunRequestException e = assertThrows(RunRequestException.class,
                    () -> RunRecipe.resumed(saved, 0, mup(null, null, change), null, SIZER));
            assertTrue(e.getMessage().startsWith("--mup-") && e.getMessage().contains("cannot change on resume"),
                    e.getMessage());
            // The conflict travels with the refusal: the CLI words it from this, checking the policy once.
            assertTrue(e.resumeConflict().orElseThrow().flag().startsWith("--mup-"), e.getMessage());
        }
        assertEquals(saved.mup(), RunRecipe.resumed(saved, 0, RunRequest.defaults(), null, SIZER).mup());
        // The checkpoint's own triple, repeated, changes nothing.
        assertEquals(saved, RunRecipe.resumed(saved, 0, mup(null, null, new RunRequest.Mup(1e-2, 0.05, 4.0)), null,
                SIZER));
    }

    @Test
    void aResumeAcceptsTheCheckpointsOwnValuesAndNamesAnotherOne() {
        RunSpec saved = RunRecipe.fresh(RunRequest.defaults(), DATA, SIZER);
        RunRequest same = new RunRequest(null, new RunRequest.Shape(128, 2, 4, 128, 8, ModelShape.GPT2_VOCAB), "sp",
                RunRecipe.DEFAULT_STEPS, saved.schedule().lrInTokens().peak(), 150L, "linear", null, null, "fp32",
                RunRecipe.DEFAULT_EPS, RunRecipe.DEFAULT_SEED, false, false, false);
        assertEquals(Optional.empty(), ResumePolicy.firstConflict(same, saved, 0));
        RunRequest seed = new RunRequest(null, RunRequest.Shape.NONE, null, null, null, null, null, null, null, null,
                null, 2L, false, false, false);
        assertEquals(Optional.of(new ResumePolicy.Conflict("--seed", 2L, "1")),
                ResumePolicy.firstConflict(seed, saved, 0));
        RunRequest synthetic = new RunRequest(null, RunRequest.Shape.NONE, null, null, null, null, null, null, null,
                null, null, null, true, false, false);
        assertEquals(Optional.empty(), ResumePolicy.firstConflict(synthetic, saved, 0), "a synthetic run's own");
        RunSpec onData = RunRecipe.fresh(RunRequest.defaults(), new DataSpec(DataKind.DATASET, "/data", ""), SIZER);
        assertEquals("false", ResumePolicy.firstConflict(synthetic, onData, 0).orElseThrow().saved());
        RunRequest preset = new RunRequest("111M", RunRequest.Shape.NONE, null, null, null, null, null, null, null,
                null, null, null, false, false, false);
        assertEquals(null, ResumePolicy.firstConflict(preset, saved, 0).orElseThrow().saved(),
                "a preset's name is not recorded: refused whatever it is");
    }

    @Test
    void aResumeWithANewBatchTakesTheNewMicroBatchOrPicksOne() {
        RunSpec saved = RunRecipe.fresh(RunRequest.defaults(), DATA, new FixedMicroBatchSizer(4));
        long trained = 10L * saved.schedule().batches().tokensPerStepAt(0);
        long tokens = 6L * saved.seqLength(); // 6 sequences: not a whole number of the old micro-batches of 4
        RunRequest both = new RunRequest(null, RunRequest.Shape.NONE, null, null, null, null, null, tokens, 1, null,
                null, null, false, false, false);
        assertEquals(1, RunRecipe.resumed(saved, trained, both, null, SIZER).microBatch());
        RunRequest batchOnly = new RunRequest(null, RunRequest.Shape.NONE, null, null, null, null, null, tokens,
                null, null, null, null, false, false, false);
        RunSpec picked = RunRecipe.resumed(saved, trained, batchOnly, null, SIZER);
        assertEquals(2, picked.microBatch(), "chosen as a new run's would be");
    }
}
