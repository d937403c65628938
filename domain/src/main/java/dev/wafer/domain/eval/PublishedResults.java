package dev.wafer.domain.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The downstream accuracies the Cerebras-GPT paper publishes for its seven released models (Appendix C.2, "Complete
 * Downstream Task Testing": Table 8, zero-shot, with the Pile test cross-entropy; Table 9, five-shot; the paper text
 * is Exhibit B of {@code shared/seed/000_fdd77bac8fe4e8f0.txt}), transcribed from the rows
 * "Cerebras-GPT" (standard parameterisation; the µP rows are not released models). Each task's value is the
 * harness's {@code acc} (LAMBADA: greedy last-word accuracy), rounded to three places as printed, and the
 * "Downstream Average" column is the paper's own (the mean of the seven, computed before rounding).
 */
public final class PublishedResults {
    /** Task columns in the tables' order (the harness's task names). */
    public static final List<String> TASKS = List.of("hellaswag", "piqa", "winogrande", "lambada_openai", "arc_easy",
            "arc_challenge", "openbookqa");

    /** The Hugging Face names of the released models: {@code cerebras/Cerebras-GPT-<size>}. */
    public static final List<String> SIZES = List.of("111M", "256M", "590M", "1.3B", "2.7B", "6.7B", "13B");

    // Table 8: Pile test xent, then HellaSwag, PIQA, WinoGrande, Lambada, ARC-e, ARC-c, OpenBookQA, average.
    private static final double[][] ZERO_SHOT = {
        {2.608, 0.268, 0.594, 0.488, 0.194, 0.380, 0.166, 0.118, 0.315},
        {2.349, 0.274, 0.613, 0.511, 0.293, 0.410, 0.170, 0.158, 0.347},
        {2.181, 0.291, 0.627, 0.498, 0.366, 0.464, 0.190, 0.158, 0.370},
        {1.997, 0.325, 0.664, 0.521, 0.462, 0.508, 0.224, 0.166, 0.410},
        {1.834, 0.386, 0.701, 0.559, 0.567, 0.571, 0.246, 0.206, 0.462},
        {1.704, 0.447, 0.739, 0.602, 0.636, 0.643, 0.282, 0.238, 0.512},
        {1.572, 0.513, 0.766, 0.646, 0.696, 0.714, 0.367, 0.286, 0.570},
    };

    // Table 9: HellaSwag, PIQA, WinoGrande, Lambada, ARC-e, ARC-c, OpenBookQA, average.
    private static final double[][] FIVE_SHOT = {
        {0.267, 0.588, 0.475, 0.158, 0.356, 0.166, 0.136, 0.306},
        {0.278, 0.606, 0.522, 0.225, 0.422, 0.183, 0.164, 0.343},
        {0.291, 0.634, 0.479, 0.281, 0.475, 0.206, 0.152, 0.360},
        {0.326, 0.668, 0.536, 0.395, 0.529, 0.241, 0.174, 0.410},
        {0.382, 0.697, 0.543, 0.487, 0.590, 0.267, 0.224, 0.456},
        {0.444, 0.736, 0.590, 0.591, 0.667, 0.314, 0.270, 0.516},
        {0.514, 0.768, 0.674, 0.655, 0.743, 0.398, 0.318, 0.581},
    };

    /** {@code Cerebras-GPT-<size>} as a whole name: in a hub id, a local folder or the hub cache's models--org--name. */
    private static final Pattern NAME = Pattern.compile(
            "(?i)(?<![a-z0-9])cerebras-gpt-(111m|256m|590m|1\\.3b|2\\.7b|6\\.7b|13b)(?![a-z0-9.])");

    private PublishedResults() {
    }

    /**
     * One model's published row.
     *
     * @param model    {@code cerebras/Cerebras-GPT-<size>}
     * @param shots    0 (Table 8) or 5 (Table 9)
     * @param accuracy each task's published accuracy, in {@link #TASKS} order
     * @param average  the published downstream average
     * @param pileXent the published Pile test cross-entropy (zero-shot table only; NaN in the five-shot one)
     * @param source   the table it comes from
     */
    public record Row(String model, int shots, Map<String, Double> accuracy, double average, double pileXent,
            String source) {
    }

    /** The model a source name (hub id or path of the imported directory) names, e.g. {@code 1.3B}; empty if none. */
    public static Optional<String> size(String source) {
        Matcher m = NAME.matcher(source);
        String found = null;
        while (m.find()) {
            found = m.group(1); // the last match: the innermost folder wins over a parent's name
        }
        return found == null ? Optional.empty() : Optional.of(found.toUpperCase(Locale.ROOT));
    }

    /** The published row for {@code size} ({@link #SIZES}) at {@code shots}; empty for other shot counts. */
    public static Optional<Row> row(String size, int shots) {
        int i = SIZES.indexOf(size);
        if (i < 0) {
            throw new IllegalArgumentException("no Cerebras-GPT model of size " + size + "; sizes: " + SIZES);
        }
        if (shots != 0 && shots != 5) {
            return Optional.empty();
        }
        double[] v = shots == 0 ? ZERO_SHOT[i] : FIVE_SHOT[i];
        int first = shots == 0 ? 1 : 0;
        Map<String, Double> acc = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
            acc.put(TASKS.get(t), v[first + t]);
        }
        return Optional.of(new Row("cerebras/Cerebras-GPT-" + size, shots, java.util.Collections.unmodifiableMap(acc),
                v[first + TASKS.size()], shots == 0 ? v[0] : Double.NaN,
                "Cerebras-GPT paper, Appendix C.2, Table " + (shots == 0 ? "8 (zero-shot)" : "9 (five-shot)")));
    }
}
