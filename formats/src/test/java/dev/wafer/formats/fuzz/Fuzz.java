package dev.wafer.formats.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs seeded fuzz cases against one reader and checks the property every reader of untrusted bytes must have:
 * each input either loads or fails with the reader's own exception type, whose message is one non-blank line that
 * names the input; never another exception type (an {@link OutOfMemoryError} included), never a hang, and never an
 * allocation far beyond the input's size (measured per case with the thread's allocation counter, so a header that
 * makes the reader allocate what it declares instead of what the file holds fails even when the heap could hold it).
 *
 * <p>The seed and the number of cases default to the values the test passes; {@code -Dwafer.fuzz.seed=...},
 * {@code -Dwafer.fuzz.cases=...} and {@code -Dwafer.fuzz.case=...} (replay only that case) override them. Every
 * failure names the reader, the seed, the case and the mutation.
 */
public final class Fuzz {
    /** A batch slower than this is taken for a hang (the cases of one reader take a few seconds at most). */
    private static final long BATCH_LIMIT_MS = 60_000;
    /** Allowed allocation per case: this much, plus {@link #ALLOCATION_PER_INPUT_BYTE} per input byte. */
    private static final long ALLOCATION_BASE = 48L << 20;
    private static final long ALLOCATION_PER_INPUT_BYTE = 64;

    /** Produces the next input from the case's own random source. */
    @FunctionalInterface
    public interface Generator {
        Mutations.Mutant next(SplittableRandom rng);
    }

    /** Feeds one input to the reader; returns normally when it loaded, throws when it was rejected. */
    @FunctionalInterface
    public interface Target {
        void load(Mutations.Mutant input) throws Throwable;
    }

    /** What a run did, for the test's summary line. */
    public record Result(String reader, long seed, int cases, int loaded, int rejected, long millis,
            long slowestMillis, String slowest) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "fuzz %s: %d cases (%d loaded, %d rejected) in %d ms, seed %d;"
                    + " slowest %d ms: %s", reader, cases, loaded, rejected, millis, seed, slowestMillis, slowest);
        }
    }

    private final String reader;
    private final List<Class<? extends Throwable>> accepted;
    private final String mustName;

    /**
     * @param reader   the reader's name, in messages
     * @param accepted the reader's own error types
     * @param mustName text every error message must contain (the file name the reader was given)
     */
    public Fuzz(String reader, List<Class<? extends Throwable>> accepted, String mustName) {
        this.reader = reader;
        this.accepted = List.copyOf(accepted);
        this.mustName = mustName;
    }

    /** Runs {@code cases} cases from {@code seed} (unless overridden) and fails on the first violation. */
    public Result run(long seed, int cases, Generator generator, Target target) {
        long s = Long.getLong("wafer.fuzz.seed", seed);
        int n = Integer.getInteger("wafer.fuzz.cases", cases);
        Integer only = Integer.getInteger("wafer.fuzz.case");
        AtomicReference<String> current = new AtomicReference<>("before the first case");
        AtomicReference<Object> outcome = new AtomicReference<>();
        long start = System.nanoTime();
        Thread worker = new Thread(() -> {
            try {
                outcome.set(runCases(s, n, only, generator, target, current));
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "fuzz-" + reader);
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(BATCH_LIMIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            fail(reader + ": no result after " + BATCH_LIMIT_MS + " ms, a hang? Stuck at " + current.get()
                    + replay(s));
        }
        Object o = outcome.get();
        if (o instanceof AssertionError e) {
            throw e;
        }
        if (o instanceof Throwable t) {
            throw new AssertionError(reader + ": the fuzz harness failed at " + current.get() + replay(s), t);
        }
        Object[] counts = (Object[]) o;
        int loaded = (Integer) counts[0];
        int rejected = (Integer) counts[1];
        Result r = new Result(reader, s, loaded + rejected, loaded, rejected, (System.nanoTime() - start) / 1_000_000,
                (Long) counts[2] / 1_000_000, (String) counts[3]);
        System.out.println(r);
        return r;
    }

    private Object[] runCases(long seed, int n, Integer only, Generator generator, Target target,
            AtomicReference<String> current) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int loaded = 0;
        int rejected = 0;
        long slowestNanos = -1;
        String slowest = "none";
        for (int i = 0; i < n; i++) {
            if (only != null && only != i) {
                continue;
            }
            long caseSeed = mix(seed, i);
            current.set("case " + i + " (generating)");
            Mutations.Mutant m = generator.next(new SplittableRandom(caseSeed));
            String where = "case " + i + " [" + m.description() + ", " + m.bytes().length + " bytes]";
            current.set(where);
            long before = threads.getCurrentThreadAllocatedBytes();
            long started = System.nanoTime();
            Throwable caught = null;
            try {
                target.load(m);
            } catch (Throwable t) {
                caught = t;
            }
            long nanos = System.nanoTime() - started;
            if (nanos > slowestNanos) {
                slowestNanos = nanos;
                slowest = where;
            }
            Throwable thrown = caught;
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long budget = ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * m.bytes().length;
            if (allocated > budget) {
                fail(reader + ": " + where + " allocated " + allocated + " bytes, more than " + budget
                        + " for an input of " + m.bytes().length + " bytes" + replay(seed, i) + outcomeText(thrown));
            }
            if (thrown == null) {
                loaded++;
                continue;
            }
            if (thrown instanceof AssertionError a) {
                throw new AssertionError(reader + ": " + where + ": " + a.getMessage() + replay(seed, i), a);
            }
            if (accepted.stream().noneMatch(c -> c.isInstance(thrown))) {
                throw new AssertionError(reader + ": " + where + " threw " + thrown.getClass().getName()
                        + " instead of " + accepted.stream().map(Class::getSimpleName).toList() + ": "
                        + thrown.getMessage() + replay(seed, i), thrown);
            }
            checkMessage(thrown, where, seed, i);
            rejected++;
        }
        return new Object[] {loaded, rejected, slowestNanos, slowest};
    }

    private void checkMessage(Throwable t, String where, long seed, int i) {
        String msg = t.getMessage();
        if (msg == null || msg.isBlank() || msg.indexOf('\n') >= 0 || msg.indexOf('\r') >= 0) {
            throw new AssertionError(reader + ": " + where + ": the error is not one line: "
                    + (msg == null ? "null" : Mutations.escape(msg)) + replay(seed, i), t);
        }
        if (!msg.contains(mustName)) {
            throw new AssertionError(reader + ": " + where + ": the error does not name the input (" + mustName
                    + "): " + msg + replay(seed, i), t);
        }
    }

    /** Checks a per-record message (readers that report bad records instead of failing). */
    public static void assertOneLine(String what, String message, String mustName) {
        if (message == null || message.isBlank() || message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            throw new AssertionError(what + " is not one line: " + (message == null ? "null" : Mutations.escape(message)));
        }
        if (!message.contains(mustName)) {
            throw new AssertionError(what + " does not name the input (" + mustName + "): " + message);
        }
    }

    private static String outcomeText(Throwable t) {
        return t == null ? " (it loaded)" : " (then threw " + t + ")";
    }

    private static String replay(long seed) {
        return "; replay with -Dwafer.fuzz.seed=" + seed;
    }

    private static String replay(long seed, int i) {
        return "; replay with -Dwafer.fuzz.seed=" + seed + " -Dwafer.fuzz.case=" + i;
    }

    /** The case's own seed: SplitMix64's finaliser over the run's seed and the case number. */
    static long mix(long seed, int i) {
        long z = seed + 0x9E3779B97F4A7C15L * (i + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
