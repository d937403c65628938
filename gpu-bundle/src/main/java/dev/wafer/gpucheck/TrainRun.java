package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code wafer train --json} in a child JVM, read back as its last step's loss and the validation loss it prints
 * at the end.
 *
 * @param expectValidation whether this run ends with a validation loss ({@code --stop-at} runs do not)
 */
record TrainRun(String label, List<String> arguments, String variant, boolean expectValidation, ProcessRun run,
        Optional<Integer> lastStep, Optional<Double> finalLoss, Optional<Double> validationLoss, List<String> notes)
        implements Recorded {

    static TrainRun run(Children children, String label, List<String> arguments, String variant,
            boolean expectValidation, Map<String, String> env, Duration budget) {
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.put(GpuCheck.KERNELS_ENV, variant);
        ProcessRun run = ProcessRun.of(children.wafer(arguments), childEnv, budget);
        Optional<Integer> step = Optional.empty();
        Optional<Double> loss = Optional.empty();
        Optional<Double> validation = Optional.empty();
        List<String> notes = new ArrayList<>();
        for (String text : run.output().lines().map(String::strip).filter(l -> l.startsWith("{")).toList()) {
            ResultLine line = ResultLine.parse(text);
            notes.addAll(line.notes().stream().map(n -> text.length() > 200 ? n : n + " in " + text).toList());
            if (line.value().isEmpty()) {
                continue;
            }
            if (line.value().get().has("step")) {
                step = Optional.of(line.value().get().get("step").asInt());
                loss = line.number("loss");
            } else if (line.value().get().has("validation_loss")) {
                validation = line.number("validation_loss");
            }
        }
        return new TrainRun(label, List.copyOf(arguments), variant, expectValidation, run, step, loss, validation,
                List.copyOf(notes));
    }

    boolean ok() {
        return run.ok() && finalLoss.isPresent() && (!expectValidation || validationLoss.isPresent());
    }

    @Override
    public String record(ObjectNode phase) {
        ArrayNode args = phase.putArray("arguments");
        arguments.forEach(args::add);
        phase.put("kernel_variant", variant);
        phase.put("child", run.ending());
        lastStep.ifPresent(s -> phase.put("last_step", s));
        finalLoss.ifPresent(l -> phase.put("final_loss", l));
        validationLoss.ifPresent(l -> phase.put("validation_loss", l));
        if (!notes.isEmpty()) {
            ArrayNode n = phase.putArray("result_notes");
            notes.forEach(n::add);
        }
        if (!ok()) {
            phase.put("message", run.lastLine());
            phase.put("output_tail", run.tail());
        }
        return status();
    }

    /** ok, timed out, failed (non-zero exit) or bad output (exit 0 without the losses). */
    String status() {
        if (run.timedOut()) {
            return TestPhase.TIMED_OUT;
        }
        return ok() ? Report.OK : (run.ok() ? Outcome.BAD_OUTPUT : Report.FAILED);
    }
}
