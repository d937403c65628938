package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** cuBLAS's leading-dimension rules, and the packing of kernel arguments for {@code cuLaunchKernel}. */
class GemmAndArgsTest {
    @Test
    void leadingDimensionsFollowCublasRules() {
        new Gemm(true, false, 48, 10, 12, 1f, 0, 12, 0, 12, 0f, 0, 48);
        assertThrows(IllegalArgumentException.class, () -> new Gemm(true, false, 48, 10, 12, 1f, 0, 11, 0, 12, 0f, 0, 48));
        assertThrows(IllegalArgumentException.class, () -> new Gemm(false, false, 48, 10, 12, 1f, 0, 12, 0, 12, 0f, 0, 48));
        assertThrows(IllegalArgumentException.class, () -> new Gemm(false, true, 12, 48, 10, 1f, 0, 12, 0, 12, 1f, 0, 12));
        assertThrows(IllegalArgumentException.class, () -> new Gemm(false, false, 12, 10, 48, 1f, 0, 12, 0, 48, 0f, 0, 11));
        assertThrows(IllegalArgumentException.class, () -> new Gemm(false, false, 0, 10, 48, 1f, 0, 12, 0, 48, 0f, 0, 11));
    }

    @Test
    void argumentsAreCheckedAgainstTheKernelAndPackedAsPointersToValues() {
        assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(CudaKernel.FILL).integer(1));
        assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.of(CudaKernel.FILL).pointer(1).integer(2).real(3f).real(4f));
        assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(CudaKernel.FILL).pointer(1).checkComplete());
        KernelArgs args = KernelArgs.of(CudaKernel.FILL).pointer(0x7f00_1234_5678L).integer(42).real(2.5f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = args.pack(arena);
            assertEquals(0x7f00_1234_5678L, packed.getAtIndex(ADDRESS, 0).reinterpret(8).get(JAVA_LONG, 0));
            assertEquals(42, packed.getAtIndex(ADDRESS, 1).reinterpret(4).get(JAVA_INT, 0));
            assertEquals(2.5f, packed.getAtIndex(ADDRESS, 2).reinterpret(4).get(JAVA_FLOAT, 0));
        }
    }

    /** The reusable block packs what the per-launch arena packs, and a second launch leaves nothing of the first. */
    @Test
    void theReusableArgumentBlockHoldsEachLaunchsValues() {
        for (CudaKernel k : CudaKernel.values()) {
            assertEquals(true, k.params().size() <= KernelArgs.MAX_ARGUMENTS, k.entry() + " has too many arguments");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(KernelArgs.BLOCK_BYTES, 8);
            KernelArgs.of(CudaKernel.FILL).pointer(0x7f00_0000_1000L).integer(9).real(0.5f).packInto(block);
            MemorySegment params = KernelArgs.of(CudaKernel.ADAMW_UPDATE).pointer(1).pointer(2).pointer(3).pointer(4)
                    .integer(77).real(1e-3f).real(0.9f).real(0.95f).real(1e-8f).real(0.1f).real(3f).packInto(block);
            assertEquals(4L, params.getAtIndex(ADDRESS, 3).reinterpret(8).get(JAVA_LONG, 0));
            assertEquals(77, params.getAtIndex(ADDRESS, 4).reinterpret(4).get(JAVA_INT, 0));
            assertEquals(0.95f, params.getAtIndex(ADDRESS, 7).reinterpret(4).get(JAVA_FLOAT, 0));
            assertEquals(3f, params.getAtIndex(ADDRESS, 10).reinterpret(4).get(JAVA_FLOAT, 0));
            assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(CudaKernel.FILL).pointer(1)
                    .packInto(block), "an incomplete argument list is refused");
        }
    }
}
