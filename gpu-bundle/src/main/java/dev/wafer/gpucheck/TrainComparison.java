package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the training runs say together: the device's validation loss against the CPU's (within 1% relative, the
 * issue's bar), and the resumed run against the uninterrupted one (a checkpoint must resume the run it saved).
 */
record TrainComparison(Optional<TrainRun> device, Optional<TrainRun> cpu, Optional<TrainRun> resumed) {

    /** Relative tolerance of both comparisons. */
    static final double TOLERANCE = 0.01;

    /** |a - b| / |b|. */
    static double relative(double a, double b) {
        return Math.abs(a - b) / Math.abs(b);
    }

    /** The report's {@code training} section. */
    ObjectNode toJson() {
        ObjectNode out = Json.object();
        out.put("tolerance_relative", TOLERANCE);
        device.flatMap(TrainRun::validationLoss).ifPresent(v -> out.put("device_validation_loss", v));
        cpu.flatMap(TrainRun::validationLoss).ifPresent(v -> out.put("cpu_validation_loss", v));
        deviceVsCpu().ifPresentOrElse(r -> out.put("device_vs_cpu_relative", r)
                .put("device_vs_cpu_within_tolerance", r <= TOLERANCE),
                () -> out.put("device_vs_cpu", "not compared: a run is missing"));
        resumed.flatMap(TrainRun::finalLoss).ifPresent(v -> out.put("resumed_final_loss", v));
        resumed.flatMap(TrainRun::validationLoss).ifPresent(v -> out.put("resumed_validation_loss", v));
        device.flatMap(TrainRun::finalLoss).ifPresent(v -> out.put("uninterrupted_final_loss", v));
        resumeVsFull().ifPresentOrElse(r -> out.put("resume_relative", r).put("resume_within_tolerance",
                r <= TOLERANCE).put("resume_exact", r == 0),
                () -> out.put("resume", "not compared: a run is missing"));
        return out;
    }

    /** Comparisons that were made and failed. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        deviceVsCpu().filter(r -> r > TOLERANCE).ifPresent(r -> problems.add(String.format(
                "training: device validation loss %.2f%% off the CPU's", 100 * r)));
        resumeVsFull().filter(r -> r > TOLERANCE).ifPresent(r -> problems.add(String.format(
                "training: resumed run %.2f%% off the uninterrupted one", 100 * r)));
        return problems;
    }

    /** One line for the summary. */
    String summary() {
        String vs = deviceVsCpu().map(r -> String.format("device vs cpu validation %.3f%%", 100 * r))
                .orElse("device vs cpu not compared");
        String resume = resumeVsFull().map(r -> String.format("resume %.3f%%", 100 * r)).orElse("resume not compared");
        return "train: " + vs + ", " + resume;
    }

    private Optional<Double> deviceVsCpu() {
        return both(device.flatMap(TrainRun::validationLoss), cpu.flatMap(TrainRun::validationLoss));
    }

    /** The larger of the final-loss and validation-loss differences, of those that can be computed. */
    private Optional<Double> resumeVsFull() {
        Optional<Double> validation = both(resumed.flatMap(TrainRun::validationLoss),
                device.flatMap(TrainRun::validationLoss));
        Optional<Double> last = both(resumed.flatMap(TrainRun::finalLoss), device.flatMap(TrainRun::finalLoss));
        return validation.isPresent() && last.isPresent() ? Optional.of(Math.max(validation.get(), last.get()))
                : validation.or(() -> last);
    }

    private static Optional<Double> both(Optional<Double> a, Optional<Double> b) {
        return a.isPresent() && b.isPresent() ? Optional.of(relative(a.get(), b.get())) : Optional.empty();
    }
}
