package dev.wafer.domain.param;

import dev.wafer.domain.model.GptShape;

/** Builds the parameterisation of a kind for a shape: the one place where the kind is looked at. */
public final class Parameterisations {
    private Parameterisations() {
    }

    /** SP or muP for {@code shape}. */
    public static Parameterisation of(ParameterisationKind kind, GptShape shape) {
        return switch (kind) {
            case SP -> new StandardParameterisation(shape.layers());
            case MUP -> new MupParameterisation(shape.layers(), shape.dModel());
        };
    }
}
