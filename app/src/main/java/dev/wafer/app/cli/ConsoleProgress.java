package dev.wafer.app.cli;

import java.io.PrintStream;

import dev.wafer.formats.data.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr (me.tongfei progressbar); only used when stderr is a terminal. */
final class ConsoleProgress implements Progress {
    private final PrintStream err;

    private ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    /** Bars when interactive and not quiet, else nothing: bars would garble logs and pipes. */
    static Progress forTerminal(boolean quiet, PrintStream err) {
        return quiet || System.console() == null ? Progress.NONE : new ConsoleProgress(err);
    }

    @Override
    public Task start(String name, long total, String unit) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(250);
        if ("B".equals(unit)) {
            b.setUnit(" MB", 1_000_000);
        } else {
            b.setUnit(" " + unit, 1);
        }
        ProgressBar bar = b.build();
        return new Task() {
            @Override
            public void stepTo(long done) {
                bar.stepTo(done);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
