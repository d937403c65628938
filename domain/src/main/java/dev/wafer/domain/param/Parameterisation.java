package dev.wafer.domain.param;

import dev.wafer.domain.model.ForwardMultipliers;
import dev.wafer.domain.model.ParameterRole;

/**
 * Everything muP changes, and nothing else (after microsoft/mup): initialisation per tensor role, the three
 * forward multipliers, and the learning-rate multiplier per tensor role. Weight decay is not here: it depends
 * on the role only (reference-facts 1.5) and is the optimizer's business.
 */
public interface Parameterisation extends ForwardMultipliers {
    /** The initialisation of tensors with this role. */
    Init init(ParameterRole role);

    /** Factor on the scheduled learning rate for tensors with this role. */
    double learningRateMultiplier(ParameterRole role);

    /** Which kind this is, for reports and checkpoints (not for branching on). */
    ParameterisationKind kind();
}
