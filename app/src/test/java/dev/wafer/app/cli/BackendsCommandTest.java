package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.FakeBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendsCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(BackendCatalog catalog, String... args) {
        return WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), catalog);
    }

    /** The real backends of this machine: the JSON must parse and be consistent, whatever is installed. */
    @Test
    void jsonListsEveryRealBackendConsistently() throws Exception {
        assertEquals(0, run(BackendCatalog.standard(), "backends", "--json"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        JsonNode array = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertTrue(array.isArray());
        List<String> names = new ArrayList<>();
        for (JsonNode backend : array) {
            names.add(backend.get("name").asText());
            assertEquals(6, backend.size(), backend::toString);
            assertTrue(backend.get("properties").isObject(), backend::toString);
            // Host backends are sized against the heap; a device backend names its free memory when available.
            assertTrue(backend.get("device_memory_bytes").isNull() || backend.get("device_memory_bytes").asLong() > 0,
                    backend::toString);
            assertTrue(backend.get("available").isBoolean(), backend::toString);
            assertFalse(backend.get("detail").asText().isBlank(), backend::toString);
            boolean available = backend.get("available").asBoolean();
            assertEquals(available, backend.get("remedy").asText().isEmpty(), backend::toString);
        }
        assertEquals(List.of("cpu", "opencl", "cuda"), names);
        assertTrue(array.get(0).get("available").asBoolean(), "the CPU backend runs everywhere");
    }

    @Test
    void tableShowsStatusAndForUnavailableBackendsWhatToDo() {
        BackendCatalog catalog = BackendCatalog.of(List.of(
                FakeBackend.available("cpu"),
                FakeBackend.unavailable("opencl", "no OpenCL platform found", "Install an OpenCL driver")));
        assertEquals(0, run(catalog, "backends"));
        String n = System.lineSeparator();
        assertEquals("BACKEND  STATUS       DETAIL" + n
                + "cpu      available    fake cpu device" + n
                + "opencl   unavailable  no OpenCL platform found. Install an OpenCL driver." + n,
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonOfFakesHasExactlyTheProbedFields() throws Exception {
        BackendCatalog catalog = BackendCatalog.of(List.of(
                FakeBackend.available("cpu"),
                FakeBackend.unavailable("cuda", "cuInit failed", "Install a driver")));
        assertEquals(0, run(catalog, "backends", "--json"));
        JsonNode array = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, array.size());
        JsonNode cuda = array.get(1);
        assertEquals("cuda", cuda.get("name").asText());
        assertFalse(cuda.get("available").asBoolean());
        assertEquals("cuInit failed", cuda.get("detail").asText());
        assertEquals("Install a driver", cuda.get("remedy").asText());
    }
}
