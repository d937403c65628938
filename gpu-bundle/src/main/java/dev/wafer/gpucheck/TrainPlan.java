package dev.wafer.gpucheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training phase's runs: the default model for {@code steps} optimizer steps on the device backend and on the
 * CPU, and the device run again stopped half way and resumed from its checkpoint.
 *
 * @param deviceBackend cuda, or cpu in the rehearsal
 * @param model         model flags ({@code --d-model=...}); none for the default model
 */
record TrainPlan(String deviceBackend, List<String> model, int steps, int stopAt) {

    /** The check: 300 steps of the default model on CUDA against the CPU, resumed at step 150. */
    static TrainPlan gpu() {
        return new TrainPlan("cuda", List.of(), 300, 150);
    }

    /** The rehearsal's stand-in: a tiny model on {@code backend} (cpu, or cuda on stand-ins), 20 steps, resumed at 10. */
    static TrainPlan rehearsal(String backend) {
        return new TrainPlan(backend, List.of("--d-model=32", "--layers=1", "--heads=2", "--seq=32", "--batch=4"), 20,
                10);
    }

    /** The uninterrupted run on {@code backend}. */
    List<String> full(String backend) {
        List<String> arguments = new ArrayList<>(List.of("train", "--json", "--backend=" + backend,
                "--steps=" + steps));
        arguments.addAll(model);
        return arguments;
    }

    /** The device run stopped after {@link #stopAt()} with its checkpoint in {@code dir}. */
    List<String> stopped(Path dir) {
        List<String> arguments = new ArrayList<>(full(deviceBackend));
        arguments.addAll(List.of("--stop-at=" + stopAt, "--out=" + dir, "--overwrite"));
        return arguments;
    }

    /** The stopped run resumed from {@code dir} to the end (the checkpoint fixes model, schedule, seed and data). */
    List<String> resumed(Path dir) {
        return List.of("train", "--json", "--backend=" + deviceBackend, "--resume=" + dir);
    }
}
