package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fast kernels' element-wise work runs on the GPU's float units: no double-precision arithmetic where the
 * baseline computes a double erf or exp per element. An H100 or H200 SM has 64 double lanes beside 128 float ones,
 * and a double erf or exp is a polynomial of dozens of double instructions where the float one is a few float
 * instructions and a special-function call: at the 503 million GELU values and 823 million logits of a 111M step at
 * seq 2048 x batch 8 the baseline's kernels are bound by that arithmetic, not by memory. The kernels are compiled to
 * PTX by NVRTC (skipped without it, as the other NVRTC tests, and on a GPU machine under test, as the other
 * compile-only checks: {@link CudaTestDevice#skipCompileOnlyCheck}) and their double instructions counted. Likewise the
 * fast kernels that walk a (rows, columns) tensor by rows divide no element index to find its row or column.
 */
class FastKernelArithmeticTest {
    /** A PTX instruction on doubles: an opcode with a {@code .f64} type, e.g. {@code fma.rn.f64} or {@code cvt.f64.f32}. */
    private static final Pattern DOUBLE_INSTRUCTION = Pattern.compile("(?m)^\\s*(?:@%p\\d+\\s+)?[a-z0-9]+(?:\\.[a-z0-9]+)*\\.f64\\b");
    /** A double-precision fused multiply-add: the steps of a double polynomial (exp, erf, log). */
    private static final Pattern DOUBLE_FMA = Pattern.compile("\\bfma\\.rn\\.f64\\b");
    /** An integer division or remainder (dozens of instructions on a GPU, which has no divider). */
    private static final Pattern INTEGER_DIVISION = Pattern.compile("\\b(?:div|rem)\\.[su](?:32|64)\\b");
    /** The float exponential's special-function instruction. */
    private static final Pattern FLOAT_EXP2 = Pattern.compile("\\bex2\\.approx(?:\\.ftz)?\\.f32\\b");

    @Test
    void theFastElementWiseKernelsUseNoDoubles() {
        Map<String, String> kernels = new LinkedHashMap<>();
        kernels.putAll(entries("elementwise.cu"));
        kernels.putAll(entries("layernorm.cu"));
        kernels.putAll(entries("matmul.cu"));
        for (CudaKernel k : new CudaKernel[] {CudaKernel.GELU_FORWARD_FAST, CudaKernel.GELU_FORWARD_FAST_BF16,
                CudaKernel.GELU_BACKWARD_FAST, CudaKernel.LAYERNORM_FORWARD_BF16, CudaKernel.ADD_BIAS_BF16}) {
            String body = kernels.get(k.entry());
            assertTrue(body != null, k.entry() + " is in the PTX");
            assertEquals(0, count(DOUBLE_INSTRUCTION, body), k.entry() + ": double-precision instructions");
        }
        // The patterns see doubles where there are some: the baseline GELU is in double on purpose.
        assertTrue(count(DOUBLE_FMA, kernels.get(CudaKernel.GELU_FORWARD.entry())) > 10,
                "the baseline gelu_forward's double erf is a polynomial of double FMAs");
        assertTrue(count(DOUBLE_INSTRUCTION, kernels.get(CudaKernel.GELU_BACKWARD.entry())) > 10,
                "the baseline gelu_backward computes in double");
    }

    @Test
    void theFastCrossEntropyTakesFloatExponentialsAndKeepsOneDoubleLogPerRow() {
        Map<String, String> kernels = entries("crossentropy.cu");
        String online = kernels.get(CudaKernel.CROSSENTROPY_FORWARD_ONLINE.entry());
        String baseline = kernels.get(CudaKernel.CROSSENTROPY_FORWARD.entry());
        int onlineFmas = count(DOUBLE_FMA, online);
        int baselineFmas = count(DOUBLE_FMA, baseline);
        assertTrue(count(FLOAT_EXP2, online) >= 3, "float exponentials: rescale, sum and probabilities");
        // What remains in double: the normaliser's sums and rescaling (multiplies and adds), the per-row log and the
        // reciprocal. The baseline has the log too, plus a double exp in each of its two per-logit loops.
        assertTrue(onlineFmas * 2 < baselineFmas, () -> "double FMAs: " + onlineFmas + " in the online forward, "
                + baselineFmas + " in the baseline's");
        String fused = kernels.get(CudaKernel.CROSSENTROPY_FORWARD_BACKWARD_ONLINE.entry());
        assertEquals(onlineFmas, count(DOUBLE_FMA, fused), "the one-call kernel's doubles are the online forward's");
        assertTrue(count(FLOAT_EXP2, fused) >= 3, "its exponentials are float too");
        assertEquals(0, count(FLOAT_EXP2, baseline), "the baseline's exponentials are in double");
    }

    @Test
    void theFastKernelsByRowsDivideNoElementIndex() {
        Map<String, String> kernels = new LinkedHashMap<>();
        kernels.putAll(entries("matmul.cu"));
        kernels.putAll(entries("crossentropy.cu"));
        for (CudaKernel k : new CudaKernel[] {CudaKernel.ADD_BIAS_ROWS, CudaKernel.ADD_BIAS_BF16,
                CudaKernel.CROSSENTROPY_BACKWARD_ROWS}) {
            assertEquals(0, count(INTEGER_DIVISION, kernels.get(k.entry())), k.entry() + ": integer divisions");
        }
        // The pattern sees the baseline's: each element's column (add_bias) or row (crossentropy_backward).
        for (CudaKernel k : new CudaKernel[] {CudaKernel.ADD_BIAS, CudaKernel.CROSSENTROPY_BACKWARD}) {
            assertTrue(count(INTEGER_DIVISION, kernels.get(k.entry())) > 0, k.entry() + " divides");
        }
    }

    /** The PTX of {@code file} for compute_90, entry name to body. */
    /**
     * The float32 fused attention multiplies on tensor cores, each product as three tf32 ones (3xTF32: float32
     * accuracy), with operands rounded to tf32 by the instruction that rounds to nearest, and no double in sight.
     */
    @Test
    void theFloat32FusedAttentionMultipliesInThreeTf32Parts() {
        Map<String, String> kernels = entries("flash_attention_f32.cu");
        Pattern tf32Mma = Pattern.compile("\\bmma\\.sync\\.aligned\\.m16n8k8\\.row\\.col\\.f32\\.tf32\\.tf32\\.f32\\b");
        Pattern toTf32 = Pattern.compile("\\bcvt\\.rna\\.tf32\\.f32\\b");
        for (CudaKernel k : new CudaKernel[] {CudaKernel.FLASH_ATTENTION_F32_FORWARD,
                CudaKernel.FLASH_ATTENTION_F32_BACKWARD_KEYS, CudaKernel.FLASH_ATTENTION_F32_BACKWARD_QUERIES}) {
            String body = kernels.get(k.entry());
            assertTrue(body != null, k.entry() + " is in the PTX");
            int products = count(tf32Mma, body);
            assertTrue(products > 0 && products % 3 == 0, k.entry() + ": " + products + " tf32 products");
            assertTrue(count(toTf32, body) >= products / 3, k.entry() + ": operands rounded to tf32");
            assertEquals(0, count(DOUBLE_INSTRUCTION, body), k.entry() + ": double-precision instructions");
        }
    }

    private static Map<String, String> entries(String file) {
        CudaTestDevice.skipCompileOnlyCheck("the fast kernels' PTX instructions");
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        byte[] ptx = nvrtc.compile(file, KernelSources.read(file), KernelCompiler.options(90));
        String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.UTF_8);
        Map<String, String> bodies = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(").matcher(text);
        String name = null;
        int from = 0;
        while (entry.find()) {
            if (name != null) {
                bodies.put(name, text.substring(from, entry.start()));
            }
            name = entry.group(1);
            from = entry.end();
        }
        if (name != null) {
            bodies.put(name, text.substring(from));
        }
        return bodies;
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
