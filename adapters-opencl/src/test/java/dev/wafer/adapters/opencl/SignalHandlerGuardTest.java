package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SignalHandlerGuard} puts back a handler a guarded call replaced, also when the call throws. SIGSYS stands
 * for the signals PoCL's LLVM takes: nothing sends it to this JVM, so a stand-in handler (libc's {@code abort}) is
 * never run.
 */
class SignalHandlerGuardTest {
    private static final int SIGSYS = 31;
    /** SA_NODEFER | SA_RESETHAND, LLVM's flags. */
    private static final int LLVM_FLAGS = 0x40000000 | 0x80000000;

    @Test
    void aReplacedHandlerIsPutBack() {
        assertTrue(SignalHandlerGuard.active(), "the guard reads sigaction on Linux");
        long before = SignalDispositions.handlers()[SIGSYS];
        long foreign = SignalDispositions.libcFunction("abort");
        assertNotEquals(before, foreign);

        String result = SignalHandlerGuard.around(() -> {
            SignalDispositions.install(SIGSYS, foreign, LLVM_FLAGS);
            assertEquals(foreign, SignalDispositions.handlers()[SIGSYS], "the stand-in handler was installed");
            return "done";
        });

        assertEquals("done", result);
        assertEquals(before, SignalDispositions.handlers()[SIGSYS], "SIGSYS handler after the guarded call");
    }

    @Test
    void aCallThatThrowsStillHasItsReplacementUndone() {
        long before = SignalDispositions.handlers()[SIGSYS];
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> SignalHandlerGuard.around(() -> {
            SignalDispositions.install(SIGSYS, SignalDispositions.libcFunction("abort"), LLVM_FLAGS);
            throw new IllegalStateException("compile failed");
        }));
        assertEquals("compile failed", thrown.getMessage());
        assertEquals(before, SignalDispositions.handlers()[SIGSYS]);
    }

    @Test
    void restoreNamesWhatItPutBackAndLeavesTheRestAlone() {
        long[] before = SignalDispositions.handlers();
        SignalHandlerGuard.active(); // records the dispositions first
        SignalDispositions.install(SIGSYS, SignalDispositions.libcFunction("abort"), LLVM_FLAGS);
        assertEquals(List.of(SIGSYS), SignalHandlerGuard.restore());
        assertEquals(List.of(), SignalHandlerGuard.restore(), "nothing left to put back");
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(SignalDispositions.handlers()));
    }
}
