package dev.wafer.domain.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.ports.compute.TensorScope;

class ParameterInitializerTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(301, 64, 2, 4, 512, 2048);

    @Test
    void truncatedNormalHasTheRightSpreadAndBoundsAndIsSeeded() {
        try (var backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation mup = Parameterisations.of(ParameterisationKind.MUP, SHAPE);
            ParameterSet a = new ParameterSet(new ParameterLayout(SHAPE), scope);
            ParameterSet b = new ParameterSet(new ParameterLayout(SHAPE), scope);
            ParameterInitializer.initialize(a, mup, 42);
            ParameterInitializer.initialize(b, mup, 42);
            assertArrayEquals(a.flat().toHost(), b.flat().toHost(), "same seed, same weights");
            for (ParameterSpec s : a.layout().specs()) {
                float[] x = a.get(s.name()).toHost();
                switch (mup.init(s.role())) {
                    case Init.Constant c -> {
                        for (float v : x) {
                            assertEquals(c.value(), v, s.name().id());
                        }
                    }
                    case Init.TruncatedNormal t -> {
                        double sum = 0;
                        double sq = 0;
                        for (float v : x) {
                            assertTrue(Math.abs(v) <= 2 * t.std() * (1 + 1e-6), s.name() + " outside ±2σ: " + v);
                            sum += v;
                            sq += (double) v * v;
                        }
                        double mean = sum / x.length;
                        double std = Math.sqrt(sq / x.length - mean * mean);
                        // A normal truncated at ±2σ has std 0.8796σ.
                        assertEquals(0.8796 * t.std(), std, 0.03 * t.std(), s.name().id());
                        assertEquals(0, mean, 5 * t.std() / Math.sqrt(x.length), s.name().id());
                    }
                }
            }
        }
    }
}
