package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The device section: the CUDA row's properties copied, the keys it lacks named. */
class DeviceProbeTest {

    private static DeviceProbe probe(String output) {
        return new DeviceProbe(new ProcessRun(0, output, false, Duration.ZERO), DeviceProbe.parse(output));
    }

    @Test
    void theCudaRowsPropertiesAreCopiedAndMissingKeysListed() {
        ObjectNode device = probe("WARNING: Using incubator modules: jdk.incubator.vector\n"
                + "[ {\"name\":\"cpu\",\"available\":true,\"detail\":\"2 cores\"},\n"
                + "  {\"name\":\"cuda\",\"available\":true,\"detail\":\"NVIDIA H200\",\"properties\":"
                + "{\"gpu\":\"NVIDIA H200\",\"sm_count\":\"132\",\"compute_capability\":\"9.0\","
                + "\"device_ordinal\":\"0\"}} ]\n").device();
        assertEquals("NVIDIA H200", device.get("gpu").asText());
        assertEquals("132", device.get("sm_count").asText());
        assertEquals("0", device.get("device_ordinal").asText(), "keys beyond the expected ones are kept");
        assertTrue(device.get("cuda_available").asBoolean());
        assertEquals("[\"total_memory_bytes\",\"free_memory_bytes\",\"driver\",\"nvrtc\",\"cublas\"]",
                device.get("absent_keys").toString());
    }

    @Test
    void rowsWithoutPropertiesListEveryKeyAbsent() {
        ObjectNode device = probe("[ {\"name\":\"cuda\",\"available\":false,\"detail\":\"libcuda.so.1 not found\"} ]")
                .device();
        assertFalse(device.get("cuda_available").asBoolean());
        assertEquals("libcuda.so.1 not found", device.get("cuda_detail").asText());
        assertEquals(DeviceProbe.KEYS.size(), device.get("absent_keys").size());
    }

    @Test
    void outputWithoutAListIsAFailedPhaseAndAnEmptyDevice() {
        DeviceProbe probe = probe("Exception in thread \"main\" java.lang.UnsatisfiedLinkError: boom\n");
        assertEquals(Report.FAILED, probe.record(Json.object()));
        assertTrue(probe.device().get("cuda_detail").asText().contains("UnsatisfiedLinkError"),
                probe.device().toString());
        assertEquals(DeviceProbe.KEYS.size(), probe.device().get("absent_keys").size());
    }
}
