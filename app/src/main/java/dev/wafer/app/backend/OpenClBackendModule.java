package dev.wafer.app.backend;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.wafer.adapters.opencl.OpenClBackendProbe;
import dev.wafer.ports.backend.BackendProbe;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.adapters.opencl.ClBackend;

/** Wires the OpenCL backend (Aparapi). */
public final class OpenClBackendModule extends AbstractModule implements BackendModule {
    /** Environment variable that selects the OpenCL platform and device, e.g. {@code platform=0,device=pocl}. */
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

    @Provides
    @Override
    public BackendProbe probe() {
        return new OpenClBackendProbe();
    }

    /** Opens the device chosen by WAFER_OPENCL_DEVICE (e.g. "platform=0,device=pocl"; default: the first device). */
    @Provides
    ComputeBackendFactory computeBackends() {
        return new ComputeBackendFactory() {
            @Override
            public dev.wafer.ports.compute.ComputeBackend open() {
                return ClBackend.open(deviceSelection);
            }

            /** Known without a device: a dry run refuses a 16-bit precision as the run would. */
            @Override
            public java.util.Set<dev.wafer.ports.compute.Capability> declaredCapabilities() {
                return ClBackend.declaredCapabilities();
            }
        };
    }
}
