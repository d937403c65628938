package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code wafer backends --json} says of the machine: every backend's row, and the CUDA row's {@code properties}
 * (GPU, SM count, compute capability, driver, NVRTC and cuBLAS versions, memory), copied into the report's
 * {@code device} section with the keys it lacks named. How the kernels were loaded (CUBIN, prebuilt PTX) and which
 * variant ran is known only once the backend opens: each bench's {@code wafer.backend_detail} names it.
 */
record DeviceProbe(ProcessRun run, Optional<ArrayNode> rows) implements Recorded {

    /** The properties the CUDA row is expected to carry. */
    static final List<String> KEYS = List.of("gpu", "compute_capability", "sm_count", "total_memory_bytes",
            "free_memory_bytes", "driver", "nvrtc", "cublas");

    static DeviceProbe run(Children children, Map<String, String> env, Duration budget) {
        ProcessRun run = ProcessRun.of(children.wafer(List.of("backends", "--json")), env, budget);
        return new DeviceProbe(run, parse(run.output()));
    }

    /** The JSON array in the output (after any JVM warning lines), if it holds one. */
    static Optional<ArrayNode> parse(String output) {
        int start = output.startsWith("[") ? 0 : output.indexOf("\n[") + 1; // 0 when there is no list
        if (!output.startsWith("[", start)) {
            return Optional.empty();
        }
        try {
            return Json.MAPPER.readTree(output.substring(start)) instanceof ArrayNode array ? Optional.of(array)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The {@code device} section: the CUDA row's properties, its availability, and the expected keys it lacks. */
    ObjectNode device() {
        ObjectNode device = Json.object();
        device.put("source", "wafer backends --json, row cuda, field properties");
        Optional<JsonNode> cuda = rows.stream().flatMap(r -> r.valueStream())
                .filter(r -> r.path("name").asText().equals("cuda")).findFirst();
        device.put("cuda_available", cuda.map(r -> r.path("available").asBoolean()).orElse(false));
        device.put("cuda_detail", cuda.map(r -> r.path("detail").asText()).orElse(
                rows.isPresent() ? "no cuda row" : "wafer backends --json gave no list: " + run.lastLine()));
        JsonNode properties = cuda.map(r -> r.path("properties")).orElse(Json.object());
        properties.properties().forEach(e -> device.put(e.getKey(), e.getValue().asText()));
        ArrayNode absent = device.putArray("absent_keys");
        KEYS.stream().filter(k -> !properties.has(k)).forEach(absent::add);
        return device;
    }

    @Override
    public String record(ObjectNode phase) {
        phase.put("child", run.ending());
        rows.ifPresent(r -> phase.set("backends", r));
        if (rows.isEmpty()) {
            phase.put("output_tail", run.tail());
        }
        return rows.isPresent() ? Report.OK : Report.FAILED;
    }
}
