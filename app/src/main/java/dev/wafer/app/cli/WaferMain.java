package dev.wafer.app.cli;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the {@code wafer} command-line tool. */
public final class WaferMain {
    /**
     * Aparapi's one logger: its {@code Config} names it after its package plus {@code .logLevel} and gives it an
     * explicit level (so a level set on {@code com.aparapi} above it changes nothing, as this class once tried).
     * Held in a field because the logging API keeps loggers only weakly, and a collected logger would forget its
     * filter.
     */
    private static final Logger APARAPI = Logger.getLogger("com.aparapi.logLevel");

    /**
     * Where no OpenCL is installed, Aparapi's native loader logs a two-line SEVERE record on every command that
     * probes the backends; the OpenCL backend reports the same as one line with a remedy, so that record is dropped.
     * Aparapi's other records pass.
     */
    static final Filter NO_LOADER_FAILURE = r -> !(r.getLevel().intValue() >= Level.SEVERE.intValue()
            && "com.aparapi.internal.opencl.OpenCLLoader".equals(r.getSourceClassName()));

    private WaferMain() {
    }

    public static void main(String[] args) {
        // Guice generates classes through sun.misc.Unsafe, which JDK 24+ warns about on stderr; Wafer uses
        // no method interception, so plain reflection is enough and error output stays one line.
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            APARAPI.setFilter(NO_LOADER_FAILURE);
        }
        System.exit(WaferCommand.run(args, System.out, System.err));
    }
}
