package dev.wafer.app.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.precision.GradientScaler;
import dev.wafer.domain.precision.LossScaleState;
import dev.wafer.domain.precision.UnderflowMonitor;
import dev.wafer.domain.precision.UnderflowStat;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.MetricsSink;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * Mixed precision on the CPU backend through the domain API: the fp16 loss scaler backs off, skips and recovers
 * after a planted overflow; the underflow diagnostic reports planted tiny activations; {@code fp32AttentionGrads}
 * removes the underflow of the attention-softmax and QKV gradients.
 */
class MixedPrecisionTrainingTest {
    private static final long SEED = 20250117L;
    private static final ModelShape SHAPE = ModelShape.withHeads(64, 16, 2, 2, 32, 128);
    private static final int MICRO = 2;
    private static final int SEQ = 16;
    private static CpuBackend backend;

    @BeforeAll
    static void open() {
        System.out.println("MixedPrecisionTrainingTest seed " + SEED);
        backend = new CpuBackend(2, true);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** A repeating pattern with noise, so that training has something to learn. */
    private static TokenBatchSource patterned(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return (inputs, targets, b, t) -> {
            int start = r.nextInt(64);
            for (int i = 0; i < b * t; i++) {
                inputs[i] = (start + i * 5) % 64;
                targets[i] = (start + (i + 1) * 5) % 64;
            }
        };
    }

    private static TrainableModel model(TensorScope scope, ModelPrecision precision) {
        TrainableModel m = ModelAssembly.trainable(backend, scope, SHAPE, ParameterisationKind.SP, MICRO, SEQ,
                AdamWSettings.cerebras(1e-8), precision);
        m.initialize(SEED);
        return m;
    }

    private static Trainer trainer(TrainableModel m, GradientScaler scaler) {
        return new Trainer(m.model(), m.optimizer(), patterned(SEED), LearningRateSchedule.constant(3e-3),
                MetricsSink.NONE, new TrainerSettings((long) MICRO * SEQ * 2, 0, false), System::nanoTime, scaler);
    }

    @Test
    void plantedOverflowBacksOffSkipsAndRecovers() {
        try (TensorScope scope = backend.openScope()) {
            TrainableModel m = model(scope, new ModelPrecision(OperandFormat.FP16, false));
            GradientScaler scaler = GradientScaler.dynamic();
            Trainer t = trainer(m, scaler);
            double first = t.step().loss();
            for (int i = 0; i < 9; i++) {
                StepMetrics s = t.step();
                assertFalse(s.skipped(), "step " + s.step() + " skipped at scale " + s.lossScale());
                assertEquals(65536.0, s.lossScale());
            }
            assertEquals(new LossScaleState(65536.0, 10), scaler.state());
            // Plant: a loss multiplied by 2^40 for one step overflows fp16 (largest finite 65504) in the backward.
            scaler.restore(new LossScaleState(0x1p40, 0));
            int adamBefore = m.optimizer().stepsTaken();
            StepMetrics planted = t.step();
            assertTrue(planted.skipped(), "the overflowing step must be skipped");
            assertEquals(0x1p40, planted.lossScale());
            assertEquals(adamBefore, m.optimizer().stepsTaken(), "a skipped step must not update");
            assertEquals(0x1p39, scaler.scale(), "the scale backs off by 0.5");
            int skipped = 1;
            StepMetrics s = t.step();
            while (s.skipped()) {
                skipped++;
                assertTrue(skipped < 40, "the scaler never recovered");
                s = t.step();
            }
            double recovered = s.lossScale();
            assertTrue(recovered < 0x1p40 && recovered >= 1, "scale after recovery " + recovered);
            // At the edge of overflow a later step may still back off once more (as with GradScaler); most go through.
            int later = 0;
            for (int i = 0; i < 20; i++) {
                s = t.step();
                later += s.skipped() ? 1 : 0;
            }
            assertTrue(later <= 3, later + " of 20 steps after recovery skipped");
            assertFalse(s.skipped());
            assertTrue(s.loss() < first, "training goes on after recovery: " + first + " -> " + s.loss());
            System.out.println("planted overflow: " + skipped + " skipped steps, scale 2^40 -> " + recovered
                    + ", then " + later + " of 20 skipped; loss " + first + " -> " + s.loss());
        }
    }

    private static Map<String, UnderflowStat> diagnose(TrainableModel m, float lossWeight) {
        UnderflowMonitor monitor = new UnderflowMonitor(m.model().precision().operands());
        m.model().setCastObserver(monitor);
        monitor.arm(true);
        int[] in = new int[MICRO * SEQ];
        int[] tg = new int[MICRO * SEQ];
        patterned(SEED + 1).next(in, tg, MICRO, SEQ);
        m.model().zeroGradients();
        m.model().forward(in, tg);
        m.model().backward(lossWeight);
        monitor.arm(false);
        Map<String, UnderflowStat> byLabel = new TreeMap<>();
        for (UnderflowStat s : monitor.drain()) {
            byLabel.put(s.label(), s);
        }
        return byLabel;
    }

    @Test
    void plantedTinyActivationsAreReported() {
        try (TensorScope scope = backend.openScope()) {
            TrainableModel m = model(scope, new ModelPrecision(OperandFormat.FP16, false));
            Map<String, UnderflowStat> normal = diagnose(m, 1f / (MICRO * SEQ));
            assertEquals(0, normal.get("ln2[1]").flushed(), "a healthy LayerNorm output does not underflow");
            // Plant: LayerNorm 2 of layer 1 scaled by 1e-9, far below fp16's smallest subnormal (6e-8).
            float[] w = new float[SHAPE.dModel()];
            java.util.Arrays.fill(w, 1e-9f);
            m.model().parameters().get(ParameterName.LN2_WEIGHT).copyFromHost(w, 0, SHAPE.dModel(), SHAPE.dModel());
            m.model().parameters().get(ParameterName.LN2_BIAS).copyFromHost(new float[SHAPE.dModel()], 0,
                    SHAPE.dModel(), SHAPE.dModel());
            Map<String, UnderflowStat> planted = diagnose(m, 1f / (MICRO * SEQ));
            UnderflowStat s = planted.get("ln2[1]");
            assertTrue(s.nonZero() > 0 && s.fraction() == 1.0, "planted tiny activations: " + s);
            assertEquals(0, planted.get("ln2[0]").flushed(), "layer 0 was not touched: " + planted.get("ln2[0]"));
        }
    }

    @Test
    void fp32AttentionGradsRemoveTheirUnderflow() {
        try (TensorScope scope = backend.openScope()) {
            // No loss scaling (weight 1/tokens): the attention-softmax gradients are small enough for fp16 to lose.
            float weight = 1f / (MICRO * SEQ * 64);
            Map<String, UnderflowStat> fp16 = diagnose(model(scope, new ModelPrecision(OperandFormat.FP16, false)),
                    weight);
            Map<String, UnderflowStat> fixed = diagnose(model(scope, new ModelPrecision(OperandFormat.FP16, true)),
                    weight);
            long before = 0;
            long after = 0;
            for (String site : List.of("d_scores", "d_qkv")) {
                for (int l = 0; l < SHAPE.nLayers(); l++) {
                    UnderflowStat a = fp16.get(site + "[" + l + "]");
                    UnderflowStat b = fixed.get(site + "[" + l + "]");
                    assertTrue(a.cast() && !b.cast(), site + " cast flags " + a + " / " + b);
                    before += a.flushed();
                    after += b.flushed();
                }
            }
            System.out.println("fp16 underflow of d_scores and d_qkv: " + before + " values without"
                    + " --fp32-attention-grads, " + after + " with");
            assertTrue(before > 0, "the unscaled fp16 run must lose some attention gradients: " + fp16);
            assertEquals(0, after);
        }
    }

    @Test
    void bf16AndFp16ForwardStayCloseToFp32AndDiffer() {
        try (TensorScope scope = backend.openScope()) {
            int[] in = new int[MICRO * SEQ];
            int[] tg = new int[MICRO * SEQ];
            patterned(SEED + 2).next(in, tg, MICRO, SEQ);
            double fp32 = model(scope, ModelPrecision.FP32).model().forward(in, tg);
            double bf16 = model(scope, new ModelPrecision(OperandFormat.BF16, false)).model().forward(in, tg);
            double fp16 = model(scope, new ModelPrecision(OperandFormat.FP16, false)).model().forward(in, tg);
            // The loss is near ln(64) = 4.16; bf16 keeps 8 significant bits (u = 2^-8), fp16 11 (u = 2^-11).
            assertTrue(Math.abs(bf16 - fp32) < 4.16 * 0x1p-8 * 4 && bf16 != fp32, fp32 + " vs bf16 " + bf16);
            assertTrue(Math.abs(fp16 - fp32) < 4.16 * 0x1p-11 * 4 && fp16 != fp32, fp32 + " vs fp16 " + fp16);
        }
    }

    @Test
    void fp32ModelIgnoresTheMixedKernels() {
        try (TensorScope scope = backend.openScope()) {
            GptModel plain = ModelAssembly.trainable(backend, scope, SHAPE, ParameterisationKind.SP, MICRO, SEQ,
                    AdamWSettings.cerebras(1e-8)).model();
            assertEquals(ModelPrecision.FP32, plain.precision());
        }
    }
}
