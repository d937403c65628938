package dev.wafer.domain.param;

import dev.wafer.domain.model.ModelShape;

/** Builds the parameterisation of a kind for a shape: the one place where the kind is looked at. */
public final class Parameterisations {
    private Parameterisations() {
    }

    /** SP or muP for {@code shape} (SP: the YAML's output-projection std for the shapes that hard-code it). */
    public static Parameterisation of(ParameterisationKind kind, ModelShape shape) {
        return switch (kind) {
            case SP -> StandardParameterisation.of(shape);
            case MUP -> new MupParameterisation(shape.nLayers(), shape.dModel());
        };
    }

    /**
     * SP, or muP with the tuned {@code mup} triple for {@code shape}.
     *
     * @param mup the muP triple; ignored (and may be null) for SP
     */
    public static Parameterisation of(ParameterisationKind kind, ModelShape shape, MupHyperparameters mup) {
        return switch (kind) {
            case SP -> StandardParameterisation.of(shape);
            case MUP -> new MupParameterisation(shape.nLayers(), shape.dModel(),
                    mup == null ? MupHyperparameters.PAPER : mup);
        };
    }
}
