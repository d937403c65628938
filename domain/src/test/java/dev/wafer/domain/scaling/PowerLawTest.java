package dev.wafer.domain.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
