package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code nvidia-smi -q -d ...} says of the GPU: its power limit, clocks, the reasons it is slowing its clocks,
 * ECC and compute mode, as the tool's own lines. The speed figures and the model-FLOP utilisation are read against
 * a board's nominal peak, and these lines tell a slow kernel from a power-capped or throttled board. Taken at the
 * start and again after the benches (under load the clock-event reasons show any throttling). The human-readable
 * form, not {@code --query-gpu}: a field name that a driver does not know fails the whole query, and these section
 * names have been stable for a decade. A missing tool or a failed query is recorded, never a problem of the check.
 *
 * @param command what ran
 * @param ending  how it ended ({@code exit 0}, or why not)
 * @param lines   its non-blank output lines, at most {@link #MAX_LINES}
 */
record NvidiaSmi(String command, String ending, List<String> lines) {

    /** The tool, found on the check's PATH. */
    static final String TOOL = "nvidia-smi";
    /** The sections at the start: what the board is allowed to do. */
    static final List<String> AT_START = List.of("POWER", "CLOCK", "PERFORMANCE", "ECC", "COMPUTE");
    /** The sections after the benches: what the load did to it. */
    static final List<String> AFTER_BENCHES = List.of("POWER", "CLOCK", "PERFORMANCE", "TEMPERATURE");
    /** The report keeps at most this many lines (one GPU's sections take about 80). */
    static final int MAX_LINES = 200;
    /** How long one query may take. */
    static final Duration LIMIT = Duration.ofSeconds(15);

    /** Runs {@code tool -q -d SECTIONS} with {@code env} added, for at most {@link #LIMIT}. */
    static NvidiaSmi query(String tool, List<String> sections, Map<String, String> env) {
        List<String> command = List.of(tool, "-q", "-d", String.join(",", sections));
        ProcessRun run = ProcessRun.of(command, env, LIMIT);
        List<String> lines = run.output().lines().map(String::stripTrailing).filter(l -> !l.isBlank())
                .limit(MAX_LINES).toList();
        String ending = run.exitCode() == ProcessRun.NOT_STARTED ? "not run: " + run.lastLine() : run.ending();
        return new NvidiaSmi(String.join(" ", command), ending, run.exitCode() == ProcessRun.NOT_STARTED
                ? List.of() : lines);
    }

    /** Puts this query under {@code key} in {@code parent}. */
    void putInto(ObjectNode parent, String key) {
        ObjectNode node = parent.putObject(key);
        node.put("command", command);
        node.put("ending", ending);
        ArrayNode out = node.putArray("lines");
        lines.forEach(out::add);
    }
}
