package dev.wafer.adapters.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps the JVM's signal handlers across the OpenCL calls that can replace them.
 *
 * <p>Why: PoCL compiles kernels with an in-process LLVM, and LLVM registers its crash handlers when the platform
 * starts: one-shot ({@code SA_RESETHAND}) handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTERM and a dozen more,
 * in place of the JVM's. The JVM takes SIGSEGV on purpose (every safepoint poll, implicit null checks): the first
 * such fault runs LLVM's handler, which puts the JVM's back, but the kernel has already reset the signal to its
 * default action, and a second thread faulting in that moment kills the process with SIGSEGV and no error report
 * (a forked test JVM died so, exit 139). A JVM started with {@code libjsig} preloaded (the {@code wafer} launcher and
 * the test forks do) never lets the replacement through; this guard covers a JVM started without it, such as an
 * embedder's: it records the handlers before the first OpenCL call and puts back, after each guarded call, any that
 * changed. PoCL's own SIGFPE handler (it skips integer division by zero in kernels) goes too; Wafer's kernels do not
 * divide by a value that can be zero.
 *
 * <p>Linux only (the {@code struct sigaction} of glibc); elsewhere, or without {@code sigaction}, calls run unguarded.
 */
final class SignalHandlerGuard {
    /** Signals 1-31 (SIGKILL and SIGSTOP cannot be caught; {@code sigaction} refuses them, which is ignored). */
    private static final int LAST_SIGNAL = 31;
    /** Room for glibc's {@code struct sigaction} (152 bytes on x86-64 and AArch64), read and written whole. */
    private static final long ACTION_BYTES = 256;
    /** Offsets of {@code sa_handler} and {@code sa_flags} in glibc's layout (x86-64 and AArch64). */
    private static final long HANDLER_OFFSET = 0;
    private static final long FLAGS_OFFSET = 136;
    /**
     * SA_RESTORER, which glibc's {@code sigaction} adds to every disposition it sets: a default disposition nobody
     * set reads without it and, once put back, with it; not a difference.
     */
    private static final int SA_RESTORER = 0x04000000;

    private static final MethodHandle SIGACTION = bindSigaction();
    /** The dispositions of signals 1-31 as first seen, before any guarded call; null where unreadable. */
    private static final MemorySegment[] ORIGINAL = snapshot();

    private SignalHandlerGuard() {
    }

    /** Runs {@code call}, then restores every signal handler it replaced (also when it throws). */
    static <T> T around(Supplier<T> call) {
        try {
            return call.get();
        } finally {
            restore();
        }
    }

    /** {@link #around(Supplier)} for a call without a result. */
    static void around(Runnable call) {
        around(() -> {
            call.run();
            return null;
        });
    }

    /**
     * Puts back each handler that differs (address or flags) from the one first recorded.
     *
     * @return the signals restored, in increasing order
     */
    static synchronized List<Integer> restore() {
        List<Integer> restored = new ArrayList<>();
        if (SIGACTION == null) {
            return restored;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(ACTION_BYTES, 8);
            for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
                MemorySegment original = ORIGINAL[signal];
                if (original == null || !read(signal, now)) {
                    continue;
                }
                if (now.get(JAVA_LONG, HANDLER_OFFSET) != original.get(JAVA_LONG, HANDLER_OFFSET)
                        || flags(now) != flags(original)) {
                    if (call(signal, original, MemorySegment.NULL) == 0) {
                        restored.add(signal);
                    }
                }
            }
        }
        return restored;
    }

    private static int flags(MemorySegment action) {
        return action.get(JAVA_INT, FLAGS_OFFSET) & ~SA_RESTORER;
    }

    /** The handler address of {@code signal} now, or -1 where it cannot be read (tests compare it). */
    static long handlerAddress(int signal) {
        if (SIGACTION == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(ACTION_BYTES, 8);
            return read(signal, now) ? now.get(JAVA_LONG, HANDLER_OFFSET) : -1;
        }
    }

    /** Whether the guard can read and set dispositions here (Linux with glibc's {@code sigaction}). */
    static boolean active() {
        return SIGACTION != null;
    }

    private static MemorySegment[] snapshot() {
        MemorySegment[] all = new MemorySegment[LAST_SIGNAL + 1];
        if (SIGACTION == null) {
            return all;
        }
        for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
            MemorySegment action = Arena.global().allocate(ACTION_BYTES, 8);
            if (read(signal, action)) {
                all[signal] = action;
            }
        }
        return all;
    }

    private static boolean read(int signal, MemorySegment into) {
        return call(signal, MemorySegment.NULL, into) == 0;
    }

    private static int call(int signal, MemorySegment action, MemorySegment old) {
        try {
            return (int) SIGACTION.invokeExact(signal, action, old);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ") failed", t);
        }
    }

    /**
     * libc's {@code sigaction}, found through the linker's default lookup (libc itself, not an interposed
     * {@code libjsig}: the guard must see and set the real disposition). Null off Linux.
     */
    private static MethodHandle bindSigaction() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("sigaction")
                .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)))
                .orElse(null);
    }
}
