package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Launch arguments are checked against the kernel's parameter list as they are added. */
class ClArgsTest {
    @Test
    void argumentsInDeclaredOrderFillTheRegisters() {
        ClArgs a = ClArgs.of(ClKernel.FILL).buffer("out", 64).integer("n", 3).real("value", 2.5f);
        a.checkComplete();
        assertEquals(64, a.intRegister(0));
        assertEquals(3, a.intRegister(1));
        assertEquals(2.5f, a.floatRegister(0));
    }

    @Test
    void aSwappedBufferIsRefusedWithTheKernelsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClArgs.of(ClKernel.COPY).buffer("inp", 0));
        assertEquals("copy argument 0 is BUFFER out, not BUFFER inp", e.getMessage());
    }

    @Test
    void aFloatWhereAnIntBelongsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClArgs.of(ClKernel.SCALE).buffer("x", 0).real("n", 1f));
        assertEquals("scale argument 1 is INT n, not FLOAT n", e.getMessage());
    }

    @Test
    void tooManyOrTooFewArgumentsAreRefused() {
        ClArgs full = ClArgs.of(ClKernel.STAGE_OUT).buffer("inp", 0).integer("n", 1);
        assertThrows(IllegalArgumentException.class, () -> full.integer("n", 1));
        ClArgs partial = ClArgs.of(ClKernel.STAGE_OUT).buffer("inp", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, partial::checkComplete);
        assertEquals("stageOut takes 2 arguments, 1 given", e.getMessage());
    }

    @Test
    void aKernelLaunchedInTheWrongShapeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClKernel.GEMM.checkShape(ClKernel.Shape.LINEAR));
        assertThrows(IllegalArgumentException.class, () -> ClKernel.FILL.checkShape(ClKernel.Shape.BLOCKED));
    }
}
