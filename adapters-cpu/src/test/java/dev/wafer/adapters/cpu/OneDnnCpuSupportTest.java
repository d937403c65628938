package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * oneDNN 2.x implements its bf16 matmul only with AVX-512: on an AVX2-only CPU every bf16 product of a CPU backend
 * failed with {@code dnnl_status_t 3} until 2026-12-07. The library now counts as usable only where the CPU runs that
 * product, which this checks against the CPU's own flags ({@code /proc/cpuinfo}), and a backend on a CPU without it
 * runs bf16 on the emulation and says why.
 */
class OneDnnCpuSupportTest {
    /** AVX512_CORE, the least oneDNN 2.x runs bf16 on (emulated there; natively with AVX512_BF16 or AMX). */
    private static final List<String> AVX512_CORE = List.of("avx512f", "avx512bw", "avx512dq", "avx512vl");

    @Test
    void theLibraryIsUsableExactlyWhereTheCpuHasAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo to read the CPU's flags from");
        assumeTrue(System.getProperty("os.arch", "").matches("amd64|x86_64"), "the flags checked are x86-64's");
        OneDnn.Loaded loaded = OneDnn.load();
        assumeTrue(loaded.library().isPresent() || !loaded.reason().contains("not usable"), loaded.reason());
        Set<String> flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(Set.of());
        boolean avx512 = flags.containsAll(AVX512_CORE);
        assertEquals(avx512, loaded.library().isPresent(), "CPU flags " + AVX512_CORE + " present: " + avx512
                + "; oneDNN: " + (loaded.library().isPresent() ? "usable" : loaded.reason()));
        if (!avx512) {
            assertTrue(loaded.reason().contains("has no bf16 matmul on this CPU"), loaded.reason());
            CpuBackend backend = new CpuBackend(1, false, Bf16Gemm.AUTO);
            try {
                assertTrue(backend.bf16GemmDescription().contains(loaded.reason()), backend.bf16GemmDescription());
            } finally {
                backend.close();
            }
        }
    }
}
