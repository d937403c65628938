package dev.wafer.gpucheck;

import java.util.List;

/**
 * A selection of the CUDA adapter's tests, run with one kernel variant ({@code WAFER_CUDA_KERNELS}).
 *
 * @param selectors {@code package:NAME} or {@code class:NAME}, as {@link TestChild} takes them
 */
record TestSuite(String name, List<String> selectors, String variant) {

    /** Package whose test classes the bundle carries (the CUDA adapter's test jar). */
    static final String TEST_PACKAGE = "dev.wafer.adapters.cuda";

    /** Every CUDA test, on the new kernels. */
    static TestSuite fast() {
        return new TestSuite("tests fast", List.of("package:" + TEST_PACKAGE), KernelChoice.FAST);
    }

    /** The kernel contract on the new kernels (a rehearsal on the stand-in CUDA libraries). */
    static TestSuite fastContract() {
        return new TestSuite("tests fast", List.of("class:" + TEST_PACKAGE + ".CudaBackendContractTest"),
                KernelChoice.FAST);
    }

    /** The kernel contract on today's kernels (a rehearsal on the stand-in CUDA libraries). */
    static TestSuite baselineContract() {
        return new TestSuite("tests baseline", List.of("class:" + TEST_PACKAGE + ".CudaBackendContractTest"),
                KernelChoice.BASELINE);
    }

    /** The contract and model suites again on today's kernels: a wrong new kernel must not cost the run its figures. */
    static TestSuite baseline() {
        return new TestSuite("tests baseline", List.of("class:" + TEST_PACKAGE + ".CudaBackendContractTest",
                "class:" + TEST_PACKAGE + ".CudaBackendModelSuiteTest"), KernelChoice.BASELINE);
    }
}
