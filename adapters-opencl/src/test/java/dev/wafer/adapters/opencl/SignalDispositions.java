package dev.wafer.adapters.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The tests' own view of the process's signal dispositions (libc's {@code sigaction} and {@code dladdr}), written apart
 * from {@link SignalHandlerGuard} so that a wrong guard cannot hide its mistake from its test.
 */
final class SignalDispositions {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SIGACTION = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sigaction").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle DLADDR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("dladdr").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    /** glibc's struct sigaction is 152 bytes on x86-64; sa_flags sits at 136. */
    private static final long BYTES = 256;
    private static final long FLAGS = 136;

    private SignalDispositions() {
    }

    /** Handler address of each signal 1-31 (index = signal; SIGKILL and SIGSTOP read as 0). */
    static long[] handlers() {
        long[] all = new long[32];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(BYTES, 8);
            for (int signal = 1; signal < all.length; signal++) {
                if ((int) SIGACTION.invokeExact(signal, MemorySegment.NULL, action) == 0) {
                    all[signal] = action.get(JAVA_LONG, 0);
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return all;
    }

    /** Sets {@code signal}'s handler to {@code address} (never to be delivered: tests use an unsent signal). */
    static void install(int signal, long address, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(BYTES, 8);
            action.set(JAVA_LONG, 0, address);
            action.set(JAVA_INT, FLAGS, flags);
            if ((int) SIGACTION.invokeExact(signal, action, MemorySegment.NULL) != 0) {
                throw new IllegalStateException("sigaction(" + signal + ") refused");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The address of a libc function, to stand for a foreign handler. */
    static long libcFunction(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow().address();
    }

    /** The file name of the shared object holding {@code address}, or {@code "?"}. */
    static String owner(long address) {
        if (address == 0 || address == 1) {
            return address == 0 ? "SIG_DFL" : "SIG_IGN";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(32, 8);
            if ((int) DLADDR.invokeExact(MemorySegment.ofAddress(address), info) == 0) {
                return "?";
            }
            String path = info.get(ADDRESS, 0).reinterpret(4096).getString(0);
            return path.substring(path.lastIndexOf('/') + 1);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
