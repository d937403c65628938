package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The tensor bytes the profiler charges: a forward and backward pass of a small model, against counts made here from
 * the shape alone for the element-wise kernels, LayerNorm and the loss (every tensor element a call reads or writes,
 * once, four bytes a float32 value), and a 16-bit tensor at two bytes a value.
 */
class TensorBytesTest {
    private static final int LAYERS = 2;
    private static final int BATCH = 3;
    private static final ModelShape SHAPE = ModelShape.withHeads(37, 8, LAYERS, 2, 16, 64);

    private static Map<KernelCall, Double> charged(KernelProfile profile) {
        Map<KernelCall, Double> bytes = new EnumMap<>(KernelCall.class);
        for (KernelProfile.Entry e : profile.entries()) {
            bytes.put(e.call(), e.bytes());
        }
        return bytes;
    }

    @Test
    void aPassChargesEveryTensorElementOnceAtItsWidth() {
        Map<KernelCall, Double> bytes;
        Double oneCall;
        KernelProfile profile = new KernelProfile();
        try (ComputeBackend backend = new ProfilingBackend(new ReferenceBackend(), profile);
             TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, BATCH, SHAPE.seqLength());
            ParameterInitializer.initialize(model.parameters(), p, 3);
            int[] tokens = new int[BATCH * SHAPE.seqLength()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 7) % SHAPE.vocabSize();
            }
            model.zeroGradients();
            profile.reset();
            model.forward(tokens, tokens);
            model.backward(1f);
            bytes = charged(profile);
            profile.reset();
            model.forward(tokens, tokens, 1f);
            model.backward(1f);
            oneCall = charged(profile).get(KernelCall.CROSS_ENTROPY_FORWARD_BACKWARD);
        }
        double n = BATCH * SHAPE.seqLength();
        double c = SHAPE.dModel();
        double h = SHAPE.dFfn();
        double v = SHAPE.vocabSize();
        // GELU over the MLP's hidden layer: forward reads and writes it, backward reads two and writes one.
        assertEquals(LAYERS * 2 * n * h * 4, bytes.get(KernelCall.GELU_FORWARD));
        assertEquals(LAYERS * 3 * n * h * 4, bytes.get(KernelCall.GELU_BACKWARD));
        // LayerNorm twice a block and once at the end: input, output, mean and rstd, weight and bias.
        double norms = 2 * LAYERS + 1;
        assertEquals(norms * (2 * n * c + 2 * n + 2 * c) * 4, bytes.get(KernelCall.LAYER_NORM_FORWARD));
        // Backward: output gradient, input, input gradient; mean and rstd; weight, its gradient, the bias gradient.
        assertEquals(norms * (3 * n * c + 2 * n + 3 * c) * 4, bytes.get(KernelCall.LAYER_NORM_BACKWARD));
        // The loss: logits read, probabilities written, one loss a row; the backward reads them, writes the gradient.
        assertEquals((2 * n * v + n) * 4, bytes.get(KernelCall.CROSS_ENTROPY_FORWARD));
        assertEquals(2 * n * v * 4, bytes.get(KernelCall.CROSS_ENTROPY_BACKWARD));
        // With the loss weight known up front (as the trainer calls it), one call: logits read, the gradient
        // written, one loss a row.
        assertEquals((2 * n * v + n) * 4, oneCall);
    }

    @Test
    void sixteenBitTensorsCountTwoBytesAValue() {
        assertEquals(400.0, ProfiledKernels.bytes(tensor(OperandFormat.FP32), 100));
        assertEquals(200.0, ProfiledKernels.bytes(tensor(OperandFormat.BF16), 100));
        assertEquals(0.0, ProfiledKernels.bytes(null, 100), "an absent tensor moves nothing");
    }

    private static Tensor tensor(OperandFormat format) {
        return new Tensor() {
            @Override
            public long length() {
                return 1000;
            }

            @Override
            public OperandFormat format() {
                return format;
            }

            @Override
            public Tensor slice(long offset, long length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void copyFromHost(float[] src, int srcOffset, long offset, int count) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void copyToHost(long offset, float[] dst, int dstOffset, int count) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
