package dev.wafer.ports.data.prepare;

/** Receives the progress of long-running data work, e.g. to draw progress bars. */
public interface ProgressReporter {

    /**
     * Starts a task.
     *
     * @param name  what is being done, e.g. {@code reading}
     * @param total expected amount of work, or -1 when unknown
     * @param unit  what is counted, e.g. {@code B} or {@code buckets}
     */
    Task start(String name, long total, String unit);

    /** One task's progress; closed when the task ends. */
    interface Task extends AutoCloseable {

        /** Sets the amount done so far. */
        void stepTo(long done);

        /** Ends the task. */
        @Override
        void close();
    }
}
