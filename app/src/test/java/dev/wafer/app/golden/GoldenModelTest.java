package dev.wafer.app.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.conformance.Tolerances;
import dev.wafer.conformance.golden.GoldenFile;
import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.support.Check;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.metrics.MetricsSink;

/**
 * The model against PyTorch 1.13 (golden files from {@code conformance/golden/make_golden.py}): logits, loss,
 * every parameter gradient and ten AdamW steps, for SP and muP, on the CPU backend and the reference backend.
 */
class GoldenModelTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(97, 16, 2, 2, 32, 128);
    private static final int B = 2;
    private static final int T = 8;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("tiny_sp", ParameterisationKind.SP, "cpu"),
                Arguments.of("tiny_mup", ParameterisationKind.MUP, "cpu"),
                Arguments.of("tiny_sp", ParameterisationKind.SP, "reference"),
                Arguments.of("tiny_mup", ParameterisationKind.MUP, "reference"));
    }

    private static ComputeBackend backend(String name) {
        return name.equals("cpu") ? new CpuBackend(2, true) : new ReferenceBackend();
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void matchesPyTorch(String caseName, ParameterisationKind kind, String backendName) {
        GoldenFile golden = GoldenFile.load(caseName);
        String what = caseName + " on " + backendName;
        try (ComputeBackend backend = backend(backendName); TensorScope scope = backend.openScope()) {
            GptModel model = new GptModel(backend, scope, SHAPE, Parameterisations.of(kind, SHAPE), B, T);
            for (ParameterSpec p : model.parameters().layout().specs()) {
                model.parameters().get(p.name()).copyFromHost(golden.floats("param." + p.name().id()));
            }
            int[] tokens = golden.ints("tokens");
            int[] targets = golden.ints("targets");

            Check.close(what + " logits", 0, Tolerances.GOLDEN_LOGITS, widen(golden.floats("logits")),
                    model.logits(tokens));
            double loss = model.forward(tokens, targets);
            Check.close(what + " loss", 0, Tolerances.GOLDEN_LOSS, golden.floats("loss")[0], loss);
            model.zeroGradients();
            model.forward(tokens, targets);
            model.backward(1f / (B * T));
            for (ParameterSpec p : model.parameters().layout().specs()) {
                Check.close(what + " grad." + p.name().id(), 0, Tolerances.GOLDEN_GRADIENT,
                        widen(golden.floats("grad." + p.name().id())), model.gradients().get(p.name()).toHost());
            }

            // Ten AdamW steps on the same batch through the trainer, as the script does.
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(1e-8),
                    Parameterisations.of(kind, model.shape()));
            double[] losses = new double[10];
            double[] norms = new double[10];
            Trainer trainer = new Trainer(model, adamW, (in, tg, b, t) -> {
                System.arraycopy(tokens, 0, in, 0, tokens.length);
                System.arraycopy(targets, 0, tg, 0, targets.length);
            }, LearningRateSchedule.constant(golden.floats("train.lr")[0]), m -> {
                losses[(int) m.step() - 1] = m.loss();
                norms[(int) m.step() - 1] = m.gradNorm();
            }, new TrainerSettings(B * T, 0, false), System::nanoTime);
            trainer.run(10);
            Check.close(what + " training losses", 0, Tolerances.GOLDEN_TRAINING_LOSS,
                    widen(golden.floats("train.losses")), losses);
            Check.close(what + " gradient norms", 0, Tolerances.GOLDEN_GRADIENT_NORM,
                    widen(golden.floats("train.grad_norms")), norms);
            for (ParameterSpec p : model.parameters().layout().specs()) {
                Check.close(what + " final." + p.name().id(), 0, Tolerances.GOLDEN_FINAL_PARAMETERS,
                        widen(golden.floats("final." + p.name().id())), model.parameters().get(p.name()).toHost());
            }
            assertEquals(10, adamW.stepsTaken());
        }
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
