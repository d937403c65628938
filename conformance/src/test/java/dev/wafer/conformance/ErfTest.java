package dev.wafer.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.Erf;

class ErfTest {
    @Test
    void knownValues() {
        // Values from tables of erf (Abramowitz & Stegun 7.1) and of Φ.
        assertEquals(0.0, Erf.erf(0.0), 0.0);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(-0.9953222650189527, Erf.erf(-2.0), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-15);
        assertEquals(0.8413447460685429, Erf.phi(1.0), 1e-15);
        assertEquals(2.866515718791939e-7, Erf.phi(-5.0), 1e-20);
        assertEquals(7.61985302416047e-24, Erf.phi(-10.0), 1e-36);
    }
}
