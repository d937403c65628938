package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.adapters.cuda.CudaKernel.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parameter list each launch packs ({@link CudaKernel#params()}) matches the kernel's signature parsed from its
 * {@code .cu} source, and the sources define no kernel the backend does not know. Together with
 * {@link KernelArgs} checking every argument against that list, a launch cannot pass a float where the kernel takes a
 * pointer, or too few arguments, without a test failing on a machine without a GPU.
 */
class KernelSignatureTest {
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);

    /** Entry name to parameter kinds, for every kernel defined in {@code file}. */
    static Map<String, List<Param>> parse(String source) {
        Map<String, List<Param>> kernels = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            String list = m.group(2).strip();
            if (!list.isEmpty()) {
                for (String p : list.split(",")) {
                    params.add(kind(m.group(1), p.strip().replaceAll("\\s+", " ")));
                }
            }
            kernels.put(m.group(1), params);
        }
        return kernels;
    }

    private static Param kind(String kernel, String declaration) {
        if (declaration.contains("*")) {
            return Param.POINTER;
        }
        String type = declaration.substring(0, declaration.lastIndexOf(' ')).replace("const ", "").strip();
        return switch (type) {
            case "int" -> Param.INT;
            case "float" -> Param.FLOAT;
            default -> throw new AssertionError(kernel + ": parameter '" + declaration + "' has a type the launcher"
                    + " cannot pack");
        };
    }

    @Test
    void everyKernelsParametersMatchItsSource() {
        for (String file : KernelSources.files()) {
            Map<String, List<Param>> parsed = parse(KernelSources.read(file));
            for (CudaKernel k : KernelSources.kernels(file)) {
                assertTrue(parsed.containsKey(k.entry()), () -> file + " defines no kernel " + k.entry());
                assertEquals(parsed.get(k.entry()), k.params(), () -> k.entry() + " in " + file);
            }
            List<String> known = KernelSources.kernels(file).stream().map(CudaKernel::entry).toList();
            assertEquals(known, new ArrayList<>(parsed.keySet()), () -> file + ": kernels defined vs kernels known");
        }
    }

    @Test
    void theParserSeesPointersIntsAndFloats() {
        Map<String, List<Param>> parsed = parse("extern \"C\" __global__ void k(const float* a, int n,\n float s) {}");
        assertEquals(Map.of("k", List.of(Param.POINTER, Param.INT, Param.FLOAT)), parsed);
    }

    @Test
    void everyKernelFileIsAResourceOnTheClassPath() {
        assertEquals(List.of("elementwise.cu", "encoder.cu", "layernorm.cu", "matmul.cu", "attention.cu",
                "crossentropy.cu", "adamw.cu", "reduction.cu", "rounding.cu", "flash_attention.cu", "flash_attention_f32.cu",
                "gemm.cu"),
                KernelSources.files());
        for (String file : KernelSources.files()) {
            assertTrue(KernelSources.read(file).contains("__global__"), file);
        }
    }

    @Test
    void theRoundingFunctionIsTheSameInEveryFileThatHasIt() {
        String canonical = roundingBlock("rounding.cu");
        assertTrue(canonical.contains("__device__ __forceinline__ float wafer_round"), canonical);
        assertEquals(canonical, roundingBlock("attention.cu"), "wafer_round in attention.cu vs rounding.cu");
    }

    @Test
    void theBf16BitsFunctionIsTheSameInEveryFileThatHasIt() {
        String canonical = block("rounding.cu", "WAFER_BF16_BITS");
        assertTrue(canonical.contains("__device__ __forceinline__ unsigned short wafer_bf16_bits"), canonical);
        for (String file : List.of("layernorm.cu", "elementwise.cu", "matmul.cu")) {
            assertEquals(canonical, block(file, "WAFER_BF16_BITS"), "wafer_bf16_bits in " + file + " vs rounding.cu");
        }
    }

    private static String roundingBlock(String file) {
        return block(file, "WAFER_ROUND");
    }

    private static String block(String file, String marker) {
        String source = KernelSources.read(file);
        int from = source.indexOf("// " + marker + "_BEGIN");
        int to = source.indexOf("// " + marker + "_END");
        assertTrue(from >= 0 && to > from, file + " lacks the " + marker + " markers");
        return source.substring(from, to);
    }
}
