package dev.wafer.adapters.cuda;

import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.backend.BackendProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports whether CUDA can run here: the driver library loads, {@code cuInit} succeeds and at least
 * one device is present. Every failure becomes "unavailable" with the driver's error code and its
 * meaning; nothing is thrown, since a machine without a GPU is a normal place to run.
 */
public final class CudaBackendProbe implements BackendProbe {
    /** The name users select this backend by. */
    public static final String NAME = "cuda";

    static final String INSTALL_DRIVER = "Install the NVIDIA driver on a machine with an NVIDIA GPU";

    private final CudaDriverLoader loader;

    /** A probe of this machine's NVIDIA driver. */
    public CudaBackendProbe() {
        this(FfmCudaDriver::load);
    }

    CudaBackendProbe(CudaDriverLoader loader) {
        this.loader = loader;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendAvailability probe() {
        CudaDriver driver;
        try {
            driver = loader.load();
        } catch (IllegalArgumentException | LinkageError e) {
            // FFM's library lookup throws IllegalArgumentException, JNI bindings UnsatisfiedLinkError:
            // both mean there is no usable driver library.
            return BackendAvailability.unavailable(
                    FfmCudaDriver.LIBRARY + " not found, so no NVIDIA driver is installed (" + oneLine(e) + ")",
                    INSTALL_DRIVER);
        }
        try {
            driver.init();
            int count = driver.deviceCount();
            if (count == 0) {
                return BackendAvailability.unavailable("the NVIDIA driver reports no CUDA device",
                        CudaErrors.remedy(100));
            }
            List<String> names = new ArrayList<>();
            for (int ordinal = 0; ordinal < count; ordinal++) {
                names.add(driver.deviceName(ordinal));
            }
            return BackendAvailability.available("driver " + version(driver.driverVersion()) + ", "
                    + count + (count == 1 ? " device: " : " devices: ") + String.join(", ", names));
        } catch (CudaException e) {
            return BackendAvailability.unavailable(e.getMessage(), CudaErrors.remedy(e.code()));
        } catch (LinkageError | RuntimeException e) {
            // A driver too old to export a symbol, or a failing downcall: present but unusable.
            return BackendAvailability.unavailable("the NVIDIA driver cannot be used (" + oneLine(e) + ")",
                    CudaErrors.CHECK_DRIVER);
        }
    }

    /** CUDA encodes 13.0 as 13000. */
    private static String version(int encoded) {
        return encoded / 1000 + "." + encoded % 1000 / 10;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
    }
}
