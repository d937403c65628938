package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What ptxas (through NVRTC, compiling each kernel file to a CUBIN for {@code sm_80} and {@code sm_90} with
 * {@code -Xptxas=-v}) gives every kernel: registers and spills (shared memory is {@code KernelCompilationTest}'s,
 * which also runs on a GPU machine). Each must launch with its largest block
 * (the register file of a block is 65,536 registers, allocated 8 a thread at a time). With NVRTC 11.8, the compiler
 * CI installs and docs/cuda.md's figures come from, no kernel may spill to local memory: a spill, in the 111M
 * model's fused attention or any other kernel, is a slowdown nobody chose (the wide fused dK/dV kernel spilled 8 bytes
 * on sm_90 until its transposed tiles were swizzled, 2026-12-07). Other compilers allocate differently, and the GPU
 * check's test phase runs this package with the GPU machine's NVRTC, where a spill must not count as a failed kernel
 * (it would send the benches to the baseline kernels): with another NVRTC only the launch limits are checked, and on a
 * GPU machine under test ({@code WAFER_EXPECT_CUDA=1}) not even those, since the backend reads the device's own
 * figures when it loads the kernels. Runs without a GPU.
 */
class KernelResourcesTest {
    /** Registers per block on every device since compute capability 5.0. */
    private static final int REGISTER_FILE = 65_536;
    /** The NVRTC whose spills are checked ({@link NvrtcApi#version()} of 11.8). */
    private static final int SPILLS_CHECKED_WITH = 11080;

    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for 'sm_(\\d+)'");
    private static final Pattern SPILLS = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+)"
            + " bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers");

    /** One kernel's registers and spills as ptxas reports them. */
    record Resources(int registers, int spillStores, int spillLoads) {
    }

    static Stream<Arguments> sourcesAndArchitectures() {
        return KernelSources.files().stream().flatMap(f -> Stream.of(Arguments.of(f, 80), Arguments.of(f, 90)));
    }

    @ParameterizedTest(name = "{0} for sm_{1}")
    @MethodSource("sourcesAndArchitectures")
    void everyKernelFitsItsLargestBlockWithoutSpilling(String file, int arch) {
        CudaTestDevice.skipCompileOnlyCheck("ptxas's registers and spills (the backend reports the device's own)");
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        List<String> options = new java.util.ArrayList<>(KernelCompiler.cubinOptions(arch));
        options.add("-Xptxas=-v");
        String log = nvrtc.compileLogged(file, KernelSources.read(file), options, NvrtcApi.Output.CUBIN).log();
        Map<String, Resources> found = parse(log, arch);
        for (CudaKernel k : KernelSources.kernels(file)) {
            Resources r = found.get(k.entry());
            assertTrue(r != null, () -> file + " for sm_" + arch + ": ptxas reported nothing for " + k.entry()
                    + "; its log:\n" + log);
            int block = k.largestBlock();
            long registers = (r.registers() + 7L) / 8 * 8 * block;
            assertTrue(registers <= REGISTER_FILE, () -> k.entry() + " for sm_" + arch + " needs " + r.registers()
                    + " registers a thread, " + registers + " for its block of " + block + ": over " + REGISTER_FILE);
            if (nvrtc.version() != SPILLS_CHECKED_WITH) {
                continue;
            }
            assertTrue(r.spillStores() == 0 && r.spillLoads() == 0, () -> k.entry() + " for sm_" + arch
                    + " spills " + r.spillStores() + " bytes (stores) and " + r.spillLoads() + " (loads) to local"
                    + " memory");
        }
    }

    @org.junit.jupiter.api.Test
    void theLogIsReadAsPtxasWritesIt() {
        String log = """
                ptxas info    : 0 bytes gmem
                ptxas info    : Compiling entry function 'flash_attention_forward_64' for 'sm_90'
                ptxas info    : Function properties for flash_attention_forward_64
                ptxas         .     8 bytes stack frame, 8 bytes spill stores, 16 bytes spill loads
                ptxas info    : Used 120 registers, 18432 bytes smem, 400 bytes cmem[0]
                ptxas info    : Compiling entry function 'fill_kernel' for 'sm_90'
                ptxas info    : Function properties for fill_kernel
                ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
                ptxas info    : Used 10 registers, 372 bytes cmem[0]
                """;
        Map<String, Resources> r = parse(log, 90);
        assertEquals(new Resources(120, 8, 16), r.get("flash_attention_forward_64"));
        assertEquals(new Resources(10, 0, 0), r.get("fill_kernel"));
        assertTrue(parse(log, 80).isEmpty(), "entries for another architecture are not this one's");
    }

    /** Each entry's resources, from the lines that follow its "Compiling entry function" line. */
    static Map<String, Resources> parse(String log, int arch) {
        Map<String, Resources> found = new LinkedHashMap<>();
        String entry = null;
        int[] spills = {0, 0};
        for (String line : log.lines().toList()) {
            Matcher e = ENTRY.matcher(line);
            if (e.find()) {
                entry = Integer.parseInt(e.group(2)) == arch ? e.group(1) : null;
                spills = new int[] {0, 0};
                continue;
            }
            if (entry == null) {
                continue;
            }
            Matcher s = SPILLS.matcher(line);
            if (s.find()) {
                spills = new int[] {Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3))};
            }
            Matcher u = USED.matcher(line);
            if (u.find()) {
                found.put(entry, new Resources(Integer.parseInt(u.group(1)), spills[0], spills[1]));
                entry = null;
            }
        }
        return found;
    }
}
