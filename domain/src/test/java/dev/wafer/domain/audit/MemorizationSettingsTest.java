package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The settings' refusals name the record's parameters, not the CLI's flags (which said --prefix and --top). */
class MemorizationSettingsTest {
    @Test
    void refusalsNameTheParameters() {
        assertEquals("prefix must be >= 1, found 0", refusal(() -> new MemorizationSettings(0, 50, 10, 1, 5)));
        assertEquals("suffix must be >= 1, found 0", refusal(() -> new MemorizationSettings(50, 0, 10, 1, 5)));
        assertEquals("samples must be >= 1, found 0", refusal(() -> new MemorizationSettings(50, 50, 0, 1, 5)));
        assertEquals("topDocuments must be >= 0, found -1",
                refusal(() -> new MemorizationSettings(50, 50, 10, 1, -1)));
        String sum = refusal(() -> new MemorizationSettings(Integer.MAX_VALUE, 1, 10, 1, 5));
        assertEquals("prefix 2147483647 + suffix 1 is more tokens than any model or dataset row holds", sum);
    }

    private static String refusal(Runnable make) {
        return assertThrows(IllegalArgumentException.class, make::run).getMessage();
    }
}
