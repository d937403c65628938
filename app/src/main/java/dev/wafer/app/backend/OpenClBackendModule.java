package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.opencl.OpenClBackendProbe;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.adapters.opencl.ClBackend;
import dev.wafer.adapters.opencl.ClDeviceSelector;
import dev.wafer.adapters.opencl.ClUnavailableException;
import dev.wafer.formats.input.InvalidInputException;
import dev.wafer.ports.backend.BackendAvailability;

/** Wires the OpenCL backend (Aparapi). */
public final class OpenClBackendModule extends AbstractModule implements BackendModule {
    /** Environment variable that selects the OpenCL platform and device, e.g. {@code platform=0,device=gpu}. */
    public static final String DEVICE_VARIABLE = "WAFER_OPENCL_DEVICE";

    private final String deviceSelection;

    /** The first OpenCL device. */
    public OpenClBackendModule() {
        this("");
    }

    /** The device that {@code deviceSelection} names (see {@code ClDeviceSelector}); empty for the first. */
    public OpenClBackendModule(String deviceSelection) {
        this.deviceSelection = deviceSelection == null ? "" : deviceSelection;
    }

    @Override
    public String name() {
        return OpenClBackendProbe.NAME;
    }

    /**
     * Available only when {@value #DEVICE_VARIABLE} names a device here.
     *
     * @throws InvalidInputException when {@value #DEVICE_VARIABLE} cannot be read
     */
    @Provides
    @Override
    public BackendProbe probe() {
        return new OpenClBackendProbe(selector(), DEVICE_VARIABLE);
    }

    /** The selection {@value #DEVICE_VARIABLE} holds; a malformed one is the user's to fix (exit 2), not a bug. */
    private ClDeviceSelector selector() {
        try {
            return ClDeviceSelector.parse(deviceSelection);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(DEVICE_VARIABLE + ": " + e.getMessage());
        }
    }

    /** Opens the device chosen by WAFER_OPENCL_DEVICE (e.g. "platform=0,device=gpu"; default: the first device). */
    @Provides
    ComputeBackendFactory computeBackends() {
        return new ComputeBackendFactory() {
            @Override
            public dev.wafer.ports.compute.ComputeBackend open() {
                try {
                    return new ClBackend(selector());
                } catch (ClUnavailableException e) {
                    // No device matches (or none is usable): a fact of the machine, as for an unavailable probe.
                    throw new BackendUnavailableException(OpenClBackendProbe.NAME, BackendAvailability.unavailable(
                            e.getMessage(), "Unset " + DEVICE_VARIABLE + " for the first device, or set it to one of these"));
                }
            }

            /** Known without a device: a dry run refuses a 16-bit precision as the run would. */
            @Override
            public java.util.Set<dev.wafer.ports.compute.Capability> declaredCapabilities() {
                return ClBackend.declaredCapabilities();
            }
        };
    }
}
