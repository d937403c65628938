package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel source compiles with NVRTC for {@code compute_80} (A100) and {@code compute_90} (H100/H200), with
 * the options the backend uses; the PTX has an {@code .entry} for each of the file's kernels, and the static shared
 * memory of each entry stays within the 48 KiB every launch may use. Runs without a GPU.
 */
class KernelCompilationTest {
    private static final Pattern SHARED = Pattern.compile("\\.shared\\s+\\.align\\s+\\d+\\s+\\.b8\\s+(\\w+)\\[(\\d+)]");

    static Stream<Arguments> sourcesAndArchitectures() {
        List<Arguments> cases = new ArrayList<>();
        for (String file : KernelSources.files()) {
            for (int arch : new int[] {80, 90}) {
                cases.add(Arguments.of(file, arch));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} for compute_{1}")
    @MethodSource("sourcesAndArchitectures")
    void compilesWithNvrtc(String file, int arch) {
        CudaTestDevice.skipCompileOnlyCheck("every kernel file's PTX for compute_" + arch);
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        byte[] ptx = nvrtc.compile(file, KernelSources.read(file), KernelCompiler.options(arch));
        assertEquals(0, ptx[ptx.length - 1], "PTX must be NUL-terminated for cuModuleLoadData");
        String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.UTF_8);
        assertTrue(text.contains(".target sm_" + arch), () -> file + ": PTX is not for sm_" + arch);
        for (CudaKernel k : KernelSources.kernels(file)) {
            assertTrue(Pattern.compile("\\.entry\\s+" + k.entry() + "\\s*\\(").matcher(text).find(),
                    () -> file + " for compute_" + arch + ": no .entry " + k.entry() + " in the PTX");
        }
        // Static shared arrays are module-scope in PTX; a kernel gets those its body names (helpers are inlined).
        Map<String, Long> arrays = new java.util.HashMap<>();
        Matcher m = SHARED.matcher(text);
        while (m.find()) {
            arrays.put(m.group(1), Long.parseLong(m.group(2)));
        }
        Matcher entries = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(").matcher(text);
        List<int[]> bodies = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (entries.find()) {
            names.add(entries.group(1));
            bodies.add(new int[] {entries.end(), text.length()});
            if (bodies.size() > 1) {
                bodies.get(bodies.size() - 2)[1] = entries.start();
            }
        }
        long most = 0;
        for (int i = 0; i < names.size(); i++) {
            String body = text.substring(bodies.get(i)[0], bodies.get(i)[1]);
            long used = 0;
            for (Map.Entry<String, Long> a : arrays.entrySet()) {
                if (Pattern.compile("\\b" + Pattern.quote(a.getKey()) + "\\b").matcher(body).find()) {
                    used += a.getValue();
                }
            }
            String kernel = names.get(i);
            long total = used;
            if (kernel.equals("crossentropy_forward")) {
                // The reduction tree's float and double arrays: proves the patterns see shared memory at all.
                assertEquals(CudaKernel.CROSS_ENTROPY_BLOCK * (4 + 8), total, "crossentropy_forward's shared memory");
            }
            assertTrue(total <= LaunchGeometry.MAX_SHARED_BYTES, () -> file + ": " + kernel + " has " + total
                    + " bytes of static shared memory, over " + LaunchGeometry.MAX_SHARED_BYTES);
            most = Math.max(most, total);
        }
        if (file.equals("flash_attention.cu")) {
            assertTrue(most > 32 * 1024, "the fused attention's staged tiles are seen: " + most + " bytes");
        }
    }

    @Test
    void aKernelThatDoesNotCompileFailsWithTheCompilerLog() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        CudaFailure e = assertThrows(CudaFailure.class, () -> nvrtc.compile("broken.cu",
                "extern \"C\" __global__ void broken(float* x) { x[0] = undeclared; }", KernelCompiler.options(80)));
        assertTrue(e.getMessage().contains("broken.cu") && e.getMessage().contains("undeclared"), e.getMessage());
    }

    @Test
    void reportsItsVersionAndSupportsTheTestedArchitectures() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        assertTrue(nvrtc.version() >= 11020, () -> "NVRTC " + nvrtc.version() + " is older than 11.2");
        List<Integer> archs = new ArrayList<>();
        for (int a : nvrtc.supportedArchitectures()) {
            archs.add(a);
        }
        assertTrue(archs.contains(80) && archs.contains(90), () -> nvrtc.soname() + " supports only " + archs);
    }
}
