package dev.wafer.adapters.cuda;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/** The SP model the device-less step tests build on a recording device, and one training step: forward, backward, AdamW. */
final class TrainingStep {
    private TrainingStep() {
    }

    /** An SP model of {@code shape} for micro-batches of {@code batch} x {@code seq}, with AdamW. */
    static TrainableModel model(ComputeBackend backend, TensorScope scope, ModelShape shape, int batch, int seq,
                                ModelPrecision precision) {
        return ModelAssembly.trainable(backend, scope, shape, ParameterisationKind.SP, batch, seq,
                AdamWSettings.cerebras(1e-8), precision);
    }

    /** {@code n} token ids spread over the whole vocabulary of {@code shape} (a stride of 7,919, a prime). */
    static int[] spreadTokens(ModelShape shape, int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (int) ((i * 7919L) % shape.vocabSize());
        }
        return tokens;
    }

    /** One optimizer step on {@code tokens} (also the targets). */
    static void run(TrainableModel m, int[] tokens) {
        m.model().zeroGradients();
        m.model().forward(tokens, tokens, 1f); // as the trainer calls it: the loss weight known up front
        m.model().backward(1f);
        m.optimizer().step(m.model().parameters(), m.model().gradients(), 1e-4);
    }
}
