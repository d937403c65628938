package dev.wafer.gpucheck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's command line, as the launcher passes it:
 * {@code --mode gpu|cpu-part|rehearse --report FILE --torch-script FILE [--torch-standin FILE] [--deadline SECONDS]};
 * the deadline also comes from {@code WAFER_GPU_CHECK_DEADLINE} (the option wins).
 *
 * @param torchStandIn the script run instead of PyTorch in the rehearsal when torch is absent; may be null
 */
record Options(Mode mode, Path report, Path torchScript, Path torchStandIn, Duration deadline) {

    static final String DEADLINE_ENV = "WAFER_GPU_CHECK_DEADLINE";

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
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (mode == null || report == null || torchScript == null) {
            throw new IllegalArgumentException("expected --mode gpu|cpu-part|rehearse --report FILE --torch-script"
                    + " FILE [--torch-standin FILE] [--deadline SECONDS]");
        }
        return new Options(mode, report, torchScript, standIn, deadline(deadline, deadlineSource));
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
