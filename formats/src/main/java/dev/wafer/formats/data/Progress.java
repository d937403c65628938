package dev.wafer.formats.data;

import dev.wafer.ports.data.prepare.ProgressReporter;

/**
 * Progress of long-running data work. The CLI supplies progress bars on a terminal; tests and {@code --quiet}
 * use {@link #NONE}.
 */
public interface Progress extends ProgressReporter {
    /** Reports nothing. */
    Progress NONE = (name, total, unit) -> new Task() {
        @Override
        public void stepTo(long done) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Starts a task.
     *
     * @param total expected amount of work, or -1 when unknown
     * @param unit  what is counted, e.g. {@code MB} or {@code buckets}
     */
    @Override
    Task start(String name, long total, String unit);

    /** One task's progress. */
    interface Task extends ProgressReporter.Task {
        /** Sets the amount done so far. */
        void stepTo(long done);

        @Override
        void close();
    }
}
