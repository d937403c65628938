package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A spec that is not three numbers is refused naming the parameter, spec (it named the CLI's --split). */
class SplitAssignerTest {
    @Test
    void aMalformedSpecIsRefusedNamingTheParameter() {
        assertEquals("spec needs three fractions train,val,test (e.g. 0.98,0.01,0.01), got '0.5,0.5'",
                assertThrows(IllegalArgumentException.class, () -> SplitAssigner.parse("0.5,0.5")).getMessage());
        assertEquals("spec fractions must be numbers, got '0.5,x,0.5'",
                assertThrows(IllegalArgumentException.class, () -> SplitAssigner.parse("0.5,x,0.5")).getMessage());
    }
}
