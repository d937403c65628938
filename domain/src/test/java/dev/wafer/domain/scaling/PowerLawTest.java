package dev.wafer.domain.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerLawTest {
    @Test
    void equationOneInBothForms() {
        PowerLaw law = PowerLaw.CEREBRAS_GPT_PILE;
        assertEquals(1 + 0.5066, law.lossAt(5.984e22), 1e-12);
        double f = 1e20;
        assertEquals(Math.pow(f / 5.984e22, -0.0737) + 0.5066, law.lossAt(f), 1e-12);
        assertEquals(47.7, law.a(), 0.1); // the reference facts' refit gives A ~ 47
    }

    @Test
    void flopsForInvertsLossAt() {
        PowerLaw law = PowerLaw.CEREBRAS_GPT_PILE;
        for (double f : new double[] {1e15, 3e18, 7e22}) {
            assertEquals(f, law.flopsFor(law.lossAt(f)), f * 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> law.flopsFor(0.4));
        assertThrows(IllegalArgumentException.class, () -> law.lossAt(-1));
    }

    /** A loss the law never gives is refused, naming it and the range, not answered with a wrong FLOP count. */
    @Test
    void flopsForRefusesALossOutsideTheLawsRange() {
        PowerLaw rising = new PowerLaw(-1, -0.1, 3); // gives losses below 3 only
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rising.flopsFor(3.5));
        assertTrue(e.getMessage().contains("loss 3.5") && e.getMessage().contains("below 3.0"), e.getMessage());
        assertEquals(1024.0, rising.flopsFor(rising.lossAt(1024)), 1e-6);
        e = assertThrows(IllegalArgumentException.class, () -> new PowerLaw(1, 0, 0).flopsFor(2));
        assertTrue(e.getMessage().contains("loss 2.0") && e.getMessage().contains("the loss 1.0 at every"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PowerLaw(0, -0.1, 3).flopsFor(3.5));
        assertTrue(e.getMessage().contains("the loss 3.0 at every"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PowerLaw.CEREBRAS_GPT_PILE.flopsFor(0.4));
        assertTrue(e.getMessage().contains("loss 0.4") && e.getMessage().contains("above 0.5066"), e.getMessage());
        // Reached only past Double.MAX_VALUE FLOPs.
        e = assertThrows(IllegalArgumentException.class, () -> new PowerLaw(1, -0.01, 0).flopsFor(1e-5));
        assertTrue(e.getMessage().contains("beyond what a double holds"), e.getMessage());
    }

    @Test
    void equationFourPenalty() {
        assertEquals(0.0, TokensPerParameterPenalty.fraction(20), 1e-15);
        double logHalf = Math.log(0.5);
        assertEquals(0.023 * logHalf * logHalf, TokensPerParameterPenalty.fraction(80), 1e-15);
        // ln(sqrt(20/tau))^2 is symmetric in log(tau) around 20.
        assertEquals(TokensPerParameterPenalty.fraction(5), TokensPerParameterPenalty.fraction(80), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TokensPerParameterPenalty.fraction(0));
    }
}
