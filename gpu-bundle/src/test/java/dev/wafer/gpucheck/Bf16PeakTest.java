package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The utilisation's denominator follows the GPU the probe names: a PCIe board is not held to an SXM's peak. */
class Bf16PeakTest {
    @Test
    void theDatasheetRowOfTheNamedGpu() {
        // The names the driver gives these boards.
        assertEquals(989.4, Bf16Peak.resolve(null, "NVIDIA H100 80GB HBM3").tflops());
        assertEquals(989.4, Bf16Peak.resolve(null, "NVIDIA H200").tflops());
        assertEquals(756.5, Bf16Peak.resolve(null, "NVIDIA H100 PCIe").tflops());
        assertEquals(835.5, Bf16Peak.resolve(null, "NVIDIA H100 NVL").tflops());
        assertEquals(835.5, Bf16Peak.resolve(null, "NVIDIA H200 NVL").tflops());
        assertEquals(312.0, Bf16Peak.resolve(null, "NVIDIA A100-SXM4-80GB").tflops());
        assertTrue(Bf16Peak.resolve(null, "NVIDIA H100 PCIe").source().contains("H100 PCIe"));
        assertTrue(Bf16Peak.resolve(null, "NVIDIA H200").known(), "a datasheet row is this GPU's own figure");
    }

    @Test
    void anUnknownGpuGetsTheSxmFigureAndSaysSo() {
        Bf16Peak stand = Bf16Peak.resolve(null, "Wafer stand-in GPU (CUDA simulator on the host)");
        assertEquals(Bf16Peak.SXM_TFLOPS, stand.tflops());
        assertTrue(!stand.known() && !Bf16Peak.resolve(null, null).known(), "the fallback is nobody's own figure");
        assertTrue(stand.source().contains("not in the table") && stand.source().contains("WAFER_BF16_PEAK_TFLOPS"),
                stand.source());
        assertTrue(Bf16Peak.resolve(null, null).source().startsWith("no GPU named"));
    }

    @Test
    void theOverrideWinsAndMustBeAPositiveNumber() {
        Bf16Peak set = Bf16Peak.resolve(" 700 ", "NVIDIA H100 80GB HBM3");
        assertEquals(700.0, set.tflops());
        assertEquals("WAFER_BF16_PEAK_TFLOPS", set.source());
        assertTrue(set.known());
        assertEquals(989.4, Bf16Peak.resolve("", "NVIDIA H200").tflops(), "blank is no override");
        for (String bad : new String[] {"fast", "0", "-5", "NaN", "Infinity"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Bf16Peak.resolve(bad, null), bad);
            assertTrue(e.getMessage().contains("WAFER_BF16_PEAK_TFLOPS") && e.getMessage().contains(bad),
                    e.getMessage());
        }
    }
}
