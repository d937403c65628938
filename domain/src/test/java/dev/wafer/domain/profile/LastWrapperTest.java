package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The same kernel object asked for again gets the same wrapper (nothing allocated); another one a new wrapper. */
class LastWrapperTest {
    @Test
    void wrapsEachObjectOnceWhileItIsTheLast() {
        int[] wrapped = {0};
        LastWrapper<CharSequence> last = new LastWrapper<>(k -> {
            wrapped[0]++;
            return new StringBuilder(k);
        });
        String a = "a";
        String b = "b";
        CharSequence first = last.of(a);
        assertSame(first, last.of(a));
        assertEquals(1, wrapped[0]);
        CharSequence other = last.of(b);
        assertNotSame(first, other);
        assertEquals("b", other.toString());
        assertEquals(2, wrapped[0]);
    }
}
