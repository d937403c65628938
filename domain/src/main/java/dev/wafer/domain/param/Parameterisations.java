package dev.wafer.domain.param;

import dev.wafer.domain.model.ModelShape;

/** Builds the parameterisation of a kind for a shape: the one place where the kind is looked at. */
public final class Parameterisations {
    private Parameterisations() {
    }

    /** SP or muP for {@code shape}. */
    public static Parameterisation of(ParameterisationKind kind, ModelShape shape) {
        return switch (kind) {
            case SP -> new StandardParameterisation(shape.nLayers());
            case MUP -> new MupParameterisation(shape.nLayers(), shape.dModel());
        };
    }
}
