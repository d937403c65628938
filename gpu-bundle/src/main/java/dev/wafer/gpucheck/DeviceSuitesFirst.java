package dev.wafer.gpucheck;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The test child's class order: the kernel contract first, then the model suite, then every other class by name. The
 * kernel choice rests on the first two, so a phase that runs out of time has their results rather than those of the
 * deviceless checks that CI runs anyway.
 */
public final class DeviceSuitesFirst implements ClassOrderer {

    /** The classes that come first, in their order (simple names). */
    static final java.util.List<String> FIRST = java.util.List.of("CudaBackendContractTest",
            "CudaBackendModelSuiteTest");

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparingInt((org.junit.jupiter.api.ClassDescriptor d) -> rank(d.getTestClass().getSimpleName()))
                .thenComparing(d -> d.getTestClass().getName()));
    }

    static int rank(String simpleName) {
        int i = FIRST.indexOf(simpleName);
        return i < 0 ? FIRST.size() : i;
    }
}
