package dev.wafer.adapters.cuda;

/**
 * The NVRTC and cuBLAS (with cuBLASLt) the backend would load on this machine, in the order it tries them under the
 * driver's CUDA major ({@link NativeLibrary#preferringMajor}), as reports show them: {@code 13.0 (libnvrtc.so.13)} or
 * why they cannot be used. Loading needs no GPU; nothing here throws, since a report must be written whatever is
 * missing.
 */
final class InstalledLibraries {
    private InstalledLibraries() {
    }

    /** NVRTC's version and soname, or {@code absent (...)} / {@code unusable (...)}; {@code cudaMajor} 0: unknown. */
    static String nvrtc(int cudaMajor) {
        try {
            return NvrtcApi.find(cudaMajor)
                    .map(n -> NvrtcApi.versionText(n.version()) + " (" + n.soname() + ")")
                    .orElse("absent (tried " + String.join(", ", NvrtcApi.SONAMES) + ")");
        } catch (RuntimeException | LinkageError e) {
            return "unusable (" + oneLine(e) + ")";
        }
    }

    /**
     * cuBLAS's version and soname with its cuBLASLt's (the linear layers' bias epilogue, opened with it), e.g.
     * {@code 12.8.4 (libcublas.so.12, libcublasLt.so.12)}, or {@code absent (...)} / {@code unusable (...)}.
     */
    static String cublas(int cudaMajor) {
        try {
            return NativeLibrary.find(NativeLibrary.preferringMajor(CublasApi.SONAMES, cudaMajor)).map(CublasApi::new)
                    .map(c -> c.versionText() + " (" + c.soname() + ", " + cublasLt(c.soname()) + ")")
                    .orElse("absent (tried " + String.join(", ", CublasApi.SONAMES) + ")");
        } catch (RuntimeException | LinkageError e) {
            return "unusable (" + oneLine(e) + ")";
        }
    }

    private static String cublasLt(String cublasSoname) {
        var sonames = CublasLtApi.sonames(cublasSoname);
        return NativeLibrary.find(sonames).map(NativeLibrary::soname)
                .orElse("cuBLASLt absent (tried " + String.join(", ", sonames) + ")");
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
