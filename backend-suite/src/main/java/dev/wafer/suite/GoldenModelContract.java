package dev.wafer.suite;

import static dev.wafer.suite.support.SuiteRuns.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.golden.GoldenFile;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.RunOutcome;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.StepReport;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.suite.support.FixedBatch;
import dev.wafer.suite.support.SuiteRuns;

/**
 * The model against PyTorch 1.13 (golden files from {@code conformance/golden/make_golden.py}): logits, loss, every
 * parameter gradient, then ten AdamW steps on the same batch through a {@link TrainingSession} (losses, gradient
 * norms, final parameters), for SP and muP.
 */
public interface GoldenModelContract extends BackendContract {
    /** The golden model: vocabulary 97, 16 positions, 2 blocks of 2 heads, width 32, FFN 128. */
    ModelShape GOLDEN_SHAPE = ModelShape.withHeads(97, 16, 2, 2, 32, 128);
    /** Sequences of the golden batch. */
    int GOLDEN_BATCH = 2;
    /** Tokens per golden sequence. */
    int GOLDEN_SEQ = 8;
    /** AdamW steps the golden script takes. */
    int GOLDEN_STEPS = 10;

    /** Forward, backward and ten training steps match the golden file of {@code kind}. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void matchesPyTorchGoldenFiles(ParameterisationKind kind) {
        String caseName = kind == ParameterisationKind.SP ? "tiny_sp" : "tiny_mup";
        GoldenFile golden = GoldenFile.load(caseName);
        ComputeBackend backend = backend();
        String what = caseName + " on " + backend.name();
        int[] tokens = golden.ints("tokens");
        int[] targets = golden.ints("targets");
        // The golden file fixes the parameters, so the run's initialisation seed (0) is overwritten below.
        RunSpec spec = SuiteRuns.constantRate(GOLDEN_SHAPE, kind, GOLDEN_SEQ, GOLDEN_BATCH, GOLDEN_BATCH,
                golden.floats("train.lr")[0], GOLDEN_STEPS, 0);
        List<StepReport> steps = new ArrayList<>();
        try (TensorScope scope = backend.openScope()) {
            TrainingSession session = TrainingSession.start(backend, scope, spec,
                    SuiteRuns.data(new FixedBatch(tokens, targets)), SuiteRuns.noValidation(), SuiteRuns.collect(steps));
            GptModel model = session.model().model();
            for (ParameterSpec p : model.parameters().layout().specs()) {
                model.parameters().get(p.name()).copyFromHost(golden.floats("param." + p.name().id()));
            }
            Check.close(what + " logits", 0, Tolerances.GOLDEN_LOGITS, widen(golden.floats("logits")),
                    model.logits(tokens));
            Check.close(what + " loss", 0, Tolerances.GOLDEN_LOSS, golden.floats("loss")[0],
                    model.forward(tokens, targets));
            model.zeroGradients();
            model.forward(tokens, targets);
            model.backward(1f / (GOLDEN_BATCH * GOLDEN_SEQ));
            for (ParameterSpec p : model.parameters().layout().specs()) {
                Check.close(what + " grad." + p.name().id(), 0, Tolerances.GOLDEN_GRADIENT,
                        widen(golden.floats("grad." + p.name().id())), model.gradients().get(p.name()).toHost());
            }

            RunOutcome outcome = session.run();
            assertEquals(GOLDEN_STEPS, outcome.state().position().step(), what + ": steps trained");
            Check.close(what + " training losses", 0, Tolerances.GOLDEN_TRAINING_LOSS,
                    widen(golden.floats("train.losses")), SuiteRuns.losses(steps));
            Check.close(what + " gradient norms", 0, Tolerances.GOLDEN_GRADIENT_NORM,
                    widen(golden.floats("train.grad_norms")), SuiteRuns.gradientNorms(steps));
            for (ParameterSpec p : model.parameters().layout().specs()) {
                Check.close(what + " final." + p.name().id(), 0, Tolerances.GOLDEN_FINAL_PARAMETERS,
                        widen(golden.floats("final." + p.name().id())), model.parameters().get(p.name()).toHost());
            }
            assertEquals(GOLDEN_STEPS, session.model().optimizer().stepsTaken(), what + ": AdamW updates");
        }
    }
}
