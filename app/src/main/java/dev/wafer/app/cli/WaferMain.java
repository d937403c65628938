package dev.wafer.app.cli;

/** Entry point of the {@code wafer} command-line tool. */
public final class WaferMain {
    private WaferMain() {
    }

    public static void main(String[] args) {
        System.exit(WaferCommand.run(args, System.out, System.err));
    }
}
