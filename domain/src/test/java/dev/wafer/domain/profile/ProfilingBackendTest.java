package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The profiler changes no number the backend computes, charges every call between two reads of the clock with the
 * device waited for around it, and counts exactly the FLOPs {@link FlopCount#matrixProductsTrainingPerToken} gives
 * for a step (an independent count, from the shape).
 */
class ProfilingBackendTest {
    private static final int LAYERS = 2;
    private static final int BATCH = 2;
    private static final ModelShape SHAPE = ModelShape.withHeads(37, 8, LAYERS, 2, 16, 64);

    private static TokenBatchSource randomTokens(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return (in, tg, b, t) -> {
            for (int i = 0; i < b * t; i++) {
                in[i] = rnd.nextInt(SHAPE.vocabSize());
                tg[i] = rnd.nextInt(SHAPE.vocabSize());
            }
        };
    }

    /** Two optimizer steps of one micro-batch each on {@code backend}; the parameters after them. */
    private static float[] train(ComputeBackend backend, KernelProfile resetAfterFirst) {
        return train(backend, resetAfterFirst, false);
    }

    /** As {@link #train(ComputeBackend, KernelProfile)}, recomputing activations in the backward if asked. */
    private static float[] train(ComputeBackend backend, KernelProfile resetAfterFirst, boolean recompute) {
        try (TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, BATCH, SHAPE.seqLength(),
                    dev.wafer.domain.model.ModelPrecision.FP32, recompute);
            ParameterInitializer.initialize(model.parameters(), p, 11);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(1e-8), p);
            long[] clock = {0};
            Trainer trainer = new Trainer(model, adamW, randomTokens(5), step -> 1e-2, m -> { },
                    new TrainerSettings((long) BATCH * SHAPE.seqLength(), 1.0, false), () -> clock[0] += 1_000);
            trainer.step();
            if (resetAfterFirst != null) {
                resetAfterFirst.reset();
            }
            trainer.step();
            return model.parameters().flat().toHost();
        }
    }

    /** Null arguments are refused by name when the wrapper is made (a null profile failed at the first call). */
    @Test
    void nullArgumentsAreRefusedByName() {
        try (ComputeBackend backend = new ReferenceBackend()) {
            NullPointerException e = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                    () -> new ProfilingBackend(backend, null));
            assertEquals("profile", e.getMessage());
            e = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                    () -> new ProfilingBackend(null, new KernelProfile()));
            assertEquals("backend", e.getMessage());
        }
    }

    @Test
    void profiledTrainingComputesTheSameBits() {
        float[] plain;
        try (ComputeBackend backend = new ReferenceBackend()) {
            plain = train(backend, null);
        }
        KernelProfile profile = new KernelProfile();
        float[] profiled;
        try (ComputeBackend backend = new ProfilingBackend(new ReferenceBackend(), profile)) {
            profiled = train(backend, profile);
        }
        assertArrayEquals(plain, profiled);
    }

    @Test
    void everyCallIsChargedBetweenTwoClockReadsWithTheDeviceWaitedFor() {
        int[] synchronizations = {0};
        ComputeBackend counting = countingSynchronizations(new ReferenceBackend(), synchronizations);
        KernelProfile profile = new KernelProfile();
        long[] clock = {0};
        // Every read advances the clock by 1 µs: each call is charged exactly one microsecond.
        try (ComputeBackend backend = new ProfilingBackend(counting, profile, () -> clock[0] += 1_000)) {
            train(backend, profile);
        }
        Map<KernelCall, Long> calls = new EnumMap<>(KernelCall.class);
        long total = 0;
        for (KernelProfile.Entry e : profile.entries()) {
            calls.put(e.call(), e.calls());
            assertEquals(e.calls() * 1e-6, e.seconds(), 1e-12, e.call().label());
            total += e.calls();
        }
        assertEquals(total * 1e-6, profile.totalSeconds(), 1e-12);
        // Four linear layers per block and the LM head; LayerNorm twice per block and once at the end.
        assertEquals(4L * LAYERS + 1, calls.get(KernelCall.MATMUL_FORWARD));
        assertEquals(4L * LAYERS + 1, calls.get(KernelCall.MATMUL_BACKWARD));
        assertEquals((long) LAYERS, calls.get(KernelCall.ATTENTION_FORWARD));
        assertEquals((long) LAYERS, calls.get(KernelCall.ATTENTION_BACKWARD));
        assertEquals(2L * LAYERS + 1, calls.get(KernelCall.LAYER_NORM_FORWARD));
        // The trainer knows the loss weight before the forward: the loss and its logits' gradient in one call.
        assertEquals(1L, calls.get(KernelCall.CROSS_ENTROPY_FORWARD_BACKWARD));
        assertEquals(null, calls.get(KernelCall.CROSS_ENTROPY_FORWARD));
        assertEquals(null, calls.get(KernelCall.CROSS_ENTROPY_BACKWARD));
        assertEquals(1L, calls.get(KernelCall.ENCODER_BACKWARD));
        // The step read the device's completion twice per kernel call (and nothing else did): all since the reset
        // plus the first step's, so at least twice the calls of one step.
        assertEquals(0, synchronizations[0] % 2);
        assertEquals(true, synchronizations[0] >= 2 * total, synchronizations[0] + " waits for " + total + " calls");
    }

    @Test
    void theProductsOfAStepAreThePapersCount() {
        KernelProfile profile = new KernelProfile();
        try (ComputeBackend backend = new ProfilingBackend(new ReferenceBackend(), profile)) {
            train(backend, profile);
        }
        double products = 0;
        for (KernelProfile.Entry e : profile.entries()) {
            products += e.flops();
        }
        double expected = FlopCount.matrixProductsTrainingPerToken(SHAPE) * BATCH * SHAPE.seqLength();
        assertEquals(expected, products, 1e-9 * expected);
    }

    /** With recomputation the step runs more products (bench's product_flops_per_s left them out until 2026-12-08). */
    @Test
    void theProductsOfARecomputedStepIncludeTheRecomputedForward() {
        KernelProfile profile = new KernelProfile();
        try (ComputeBackend backend = new ProfilingBackend(new ReferenceBackend(), profile)) {
            train(backend, profile, true);
        }
        double products = 0;
        for (KernelProfile.Entry e : profile.entries()) {
            products += e.flops();
        }
        double expected = FlopCount.matrixProductsTrainingPerToken(SHAPE, true) * BATCH * SHAPE.seqLength();
        assertEquals(expected, products, 1e-9 * expected);
        assertEquals(FlopCount.matrixProductsTrainingPerToken(SHAPE),
                FlopCount.matrixProductsTrainingPerToken(SHAPE, false));
    }

    /** {@code backend} with its {@link ComputeBackend#synchronize()} calls counted. */
    private static ComputeBackend countingSynchronizations(ComputeBackend backend, int[] count) {
        return (ComputeBackend) Proxy.newProxyInstance(ComputeBackend.class.getClassLoader(),
                new Class<?>[] {ComputeBackend.class}, (proxy, method, args) -> {
                    if (method.getName().equals("synchronize")) {
                        count[0]++;
                    }
                    try {
                        return method.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
