package dev.wafer.app.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the {@code wafer} command-line tool. */
public final class WaferMain {
    /**
     * Aparapi logs a multi-line SEVERE message through java.util.logging whenever OpenCL is missing.
     * The OpenCL backend reports that itself, as one line with a remedy, so Aparapi's copy is muted
     * unless the user configured logging. Held in a field because the logging API keeps loggers
     * only weakly, and a collected logger would forget its level.
     */
    private static final Logger APARAPI = Logger.getLogger("com.aparapi");

    private WaferMain() {
    }

    public static void main(String[] args) {
        // Guice generates classes through sun.misc.Unsafe, which JDK 24+ warns about on stderr; Wafer uses
        // no method interception, so plain reflection is enough and error output stays one line.
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            APARAPI.setLevel(Level.OFF);
        }
        System.exit(WaferCommand.run(args, System.out, System.err));
    }
}
