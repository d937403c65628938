package dev.wafer.suite.support;

import java.util.EnumMap;
import java.util.Map;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.param.ParameterisationKind;

/**
 * The 20-step run's losses on the conformance {@link ReferenceBackend} (float32 storage, double arithmetic inside
 * every kernel): the oracle every backend's run is compared with. Computed once per JVM and kind; the run is
 * deterministic, so the cache changes nothing but time.
 */
public final class ReferenceLosses {
    private static final Map<ParameterisationKind, double[]> CACHE = new EnumMap<>(ParameterisationKind.class);

    private ReferenceLosses() {
    }

    /** The per-step losses of {@link SuiteRuns#twentySteps} on the reference backend (a copy). */
    public static synchronized double[] twentySteps(ParameterisationKind kind) {
        double[] losses = CACHE.get(kind);
        if (losses == null) {
            try (ReferenceBackend reference = new ReferenceBackend()) {
                losses = SuiteRuns.twentyStepLosses(reference, kind);
            }
            CACHE.put(kind, losses);
        }
        return losses.clone();
    }
}
