package dev.wafer.adapters.cuda;

/**
 * Loads the CUDA driver library. Separate from {@link CudaDriver} because loading is where a
 * machine without an NVIDIA driver fails, and tests need to simulate exactly that.
 */
interface CudaDriverLoader {

    /**
     * Loads the driver.
     *
     * @return the loaded driver, not yet initialised
     * @throws IllegalArgumentException if the library cannot be found (what
     *     {@link java.lang.foreign.SymbolLookup#libraryLookup(String, java.lang.foreign.Arena)} throws)
     * @throws LinkageError if the library or one of its symbols cannot be linked (what JNI-based
     *     bindings throw, as {@link UnsatisfiedLinkError})
     */
    CudaDriver load();
}
