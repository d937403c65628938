package dev.wafer.gpucheck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's command line, as the launcher passes it:
 * {@code --mode gpu|cpu-part|rehearse --report FILE --torch-script FILE [--torch-standin FILE] [--deadline SECONDS]
 * [--skip GROUP,...] [--kernels VARIANT]}; the deadline also comes from {@code WAFER_GPU_CHECK_DEADLINE} (the option
 * wins).
 *
 * @param torchStandIn the script run instead of PyTorch in the rehearsal when torch is absent; may be null
 * @param skip         the phase groups not to run ({@link #SKIPPABLE}), in the order given; empty for a whole check
 * @param kernels      the kernel variant of the benches and training when the tests are skipped (they choose it
 *                     otherwise); {@link KernelChoice#FAST} unless {@code --kernels} names another
 */
record Options(Mode mode, Path report, Path torchScript, Path torchStandIn, Duration deadline, List<String> skip,
        String kernels) {

    static final String DEADLINE_ENV = "WAFER_GPU_CHECK_DEADLINE";

    /**
     * The groups {@code --skip} takes: a second run on a lent GPU repeats only what the first one left to check, so
     * that its minutes go to that. The device probe always runs.
     */
    static final List<String> SKIPPABLE = List.of("tests", "bench", "pytorch", "train");

    static final List<String> VARIANTS = List.of(KernelChoice.FAST, KernelChoice.FAST_UNFUSED, KernelChoice.BASELINE);

    Options {
        skip = List.copyOf(skip);
    }

    /**
     * The launcher's command line that asks for this run (the launcher turns {@code --rehearse} into {@code --mode
     * rehearse} and adds the scripts), for the report and its page: the figures' command, with its deadline
     * whichever way it was given.
     */
    String command() {
        StringBuilder c = new StringBuilder("gpu-check");
        if (mode != Mode.GPU) {
            c.append(" --").append(mode.text());
        }
        c.append(" --deadline ").append(deadline.toSeconds());
        if (!skip.isEmpty()) {
            c.append(" --skip ").append(String.join(",", skip));
            if (!kernels.equals(KernelChoice.FAST)) {
                c.append(" --kernels ").append(kernels);
            }
        }
        return c.append(" --report ").append(report).toString();
    }

    /** Whether {@code --skip} names this phase group. */
    boolean skips(String group) {
        return skip.contains(group);
    }

    /** What the check runs. */
    enum Mode {
        /** Everything, on CUDA: a GPU machine. */
        GPU,
        /** What runs without a GPU: the tests (the GPU ones skip) and a small CPU bench. */
        CPU_PART,
        /** Every phase of {@link #GPU} for real, on the CPU backend and tiny shapes, with stand-ins where needed. */
        REHEARSE;

        String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Mode of(String text) {
            for (Mode m : values()) {
                if (m.text().equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--mode: expected gpu, cpu-part or rehearse, found '" + text + "'");
        }
    }

    /**
     * @throws IllegalArgumentException with a one-line reason
     */
    static Options parse(String[] args, Map<String, String> env) {
        Mode mode = null;
        Path report = null;
        Path torchScript = null;
        Path standIn = null;
        String deadline = env.get(DEADLINE_ENV);
        String deadlineSource = DEADLINE_ENV;
        List<String> skip = List.of();
        String kernels = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--mode" -> mode = Mode.of(value);
                case "--report" -> report = Path.of(value);
                case "--torch-script" -> torchScript = Path.of(value);
                case "--torch-standin" -> standIn = Path.of(value);
                case "--deadline" -> {
                    deadline = value;
                    deadlineSource = "--deadline";
                }
                case "--skip" -> skip = skip(value);
                case "--kernels" -> {
                    if (!VARIANTS.contains(value)) {
                        throw new IllegalArgumentException("--kernels: expected " + String.join(", ", VARIANTS)
                                + ", found '" + value + "'");
                    }
                    kernels = value;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (mode == null || report == null || torchScript == null) {
            throw new IllegalArgumentException("expected --mode gpu|cpu-part|rehearse --report FILE --torch-script"
                    + " FILE [--torch-standin FILE] [--deadline SECONDS] [--skip GROUP,...] [--kernels VARIANT]");
        }
        if (kernels != null && !skip.contains("tests")) {
            // The tests choose the kernels of a run that has them: a variant that failed them is not benched.
            throw new IllegalArgumentException("--kernels " + kernels + ": only with --skip tests (the tests choose"
                    + " the kernels when they run)");
        }
        return new Options(mode, report, torchScript, standIn, deadline(deadline, deadlineSource), skip,
                kernels == null ? KernelChoice.FAST : kernels);
    }

    /** {@code tests,train}: each one of {@link #SKIPPABLE}, none twice. */
    private static List<String> skip(String value) {
        List<String> groups = new ArrayList<>();
        for (String group : value.split(",", -1)) {
            String g = group.strip();
            if (!SKIPPABLE.contains(g)) {
                throw new IllegalArgumentException("--skip: expected a comma-separated list of "
                        + String.join(", ", SKIPPABLE) + ", found '" + group + "' in '" + value + "'");
            }
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }
        return groups;
    }

    private static Duration deadline(String text, String source) {
        if (text == null || text.isBlank()) {
            return Deadline.DEFAULT;
        }
        try {
            long seconds = Long.parseLong(text.strip());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(source + ": expected a positive number of seconds, found '" + text + "'");
    }
}
