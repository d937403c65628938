package dev.wafer.gpucheck;

import java.util.List;
import java.util.Locale;

/**
 * The dense bf16 tensor-core peak that the model-FLOP utilisation is divided by, and where it came from: the
 * {@code WAFER_BF16_PEAK_TFLOPS} override, else NVIDIA's datasheet figure (without sparsity) for the GPU the device
 * probe named, else the H100/H200 SXM figure with a note that the GPU was not recognised. An H100 PCIe's peak is 24%
 * below an SXM's, so taking the SXM figure for it would understate its utilisation by as much.
 *
 * @param tflops dense bf16 peak in TFLOP/s
 * @param source why this figure: the override, the datasheet row that matched, or that none did
 * @param known  whether the figure is this GPU's (the override or a datasheet row), not the fallback's
 */
record Bf16Peak(double tflops, String source, boolean known) {

    /** NVIDIA's H100 SXM5 and H200 SXM dense bf16 figure (1,979 TFLOP/s with sparsity, halved). */
    static final double SXM_TFLOPS = 989.4;

    /** A datasheet row: a GPU whose name contains every one of {@code parts} (case-insensitive) has this peak. */
    private record Row(List<String> parts, double tflops, String datasheet) {
        boolean matches(String gpu) {
            String name = gpu.toLowerCase(Locale.ROOT);
            return parts.stream().allMatch(p -> name.contains(p.toLowerCase(Locale.ROOT)));
        }
    }

    /** Most specific first: "H100 PCIe" and "H100 NVL" before the plain "H100" of the SXM boards. */
    private static final List<Row> DATASHEET = List.of(
            new Row(List.of("H100", "PCIe"), 756.5, "H100 PCIe: 1,513 TFLOP/s with sparsity"),
            new Row(List.of("H100", "NVL"), 835.5, "H100 NVL: 1,671 TFLOP/s with sparsity"),
            new Row(List.of("H200", "NVL"), 835.5, "H200 NVL: 1,671 TFLOP/s with sparsity"),
            new Row(List.of("H100"), SXM_TFLOPS, "H100 SXM5: 1,979 TFLOP/s with sparsity"),
            new Row(List.of("H200"), SXM_TFLOPS, "H200 SXM: 1,979 TFLOP/s with sparsity"),
            new Row(List.of("A100"), 312.0, "A100: 624 TFLOP/s with sparsity"));

    /**
     * @param override the value of {@code WAFER_BF16_PEAK_TFLOPS}, or null or blank for none
     * @param gpu      the GPU's name from the device probe, or null when there is none
     * @throws IllegalArgumentException when the override is not a positive number
     */
    static Bf16Peak resolve(String override, String gpu) {
        if (override != null && !override.isBlank()) {
            double value;
            try {
                value = Double.parseDouble(override.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("WAFER_BF16_PEAK_TFLOPS must be a number of TFLOP/s, found '"
                        + override + "'");
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("WAFER_BF16_PEAK_TFLOPS must be a positive number of TFLOP/s,"
                        + " found '" + override + "'");
            }
            return new Bf16Peak(value, "WAFER_BF16_PEAK_TFLOPS", true);
        }
        if (gpu == null || gpu.isBlank()) {
            return new Bf16Peak(SXM_TFLOPS, "no GPU named: the H100/H200 SXM figure (1,979 TFLOP/s with sparsity)",
                    false);
        }
        return DATASHEET.stream().filter(r -> r.matches(gpu)).findFirst()
                .map(r -> new Bf16Peak(r.tflops(), "datasheet for '" + gpu + "': " + r.datasheet() + ", halved",
                        true))
                .orElse(new Bf16Peak(SXM_TFLOPS, "'" + gpu + "' is not in the table: the H100/H200 SXM figure;"
                        + " set WAFER_BF16_PEAK_TFLOPS to this GPU's dense bf16 peak", false));
    }
}
