package dev.wafer.domain.session;

import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;

/**
 * A model with its optimizer, as {@link ModelAssembly} builds them: parameters, gradients and AdamW moments all
 * live in the scope they were assembled in.
 *
 * @param model            the decoder (parameters start at zero until initialised or restored)
 * @param optimizer        AdamW over the model's parameters
 * @param parameterisation the SP or muP rules the model and optimizer follow
 */
public record TrainableModel(GptModel model, AdamW optimizer, Parameterisation parameterisation) {
    /** Initialises the parameters from {@code seed} under the parameterisation's rules. */
    public void initialize(long seed) {
        ParameterInitializer.initialize(model.parameters(), parameterisation, seed);
    }
}
