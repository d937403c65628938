package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * The JSON report, rewritten whole after every change of a phase (a temporary file moved over the old one), so that a
 * run killed at any moment leaves a valid report holding every phase that ended and the one that was running.
 */
final class Report {

    static final String RUNNING = "running";
    static final String OK = "ok";
    static final String FAILED = "failed";
    static final String SKIPPED_DEADLINE = "skipped: deadline";
    static final String INTERRUPTED = "interrupted";

    private final Path file;
    private final ObjectNode root = Json.object();
    private final ArrayNode phases;
    private final ArrayNode notes;
    /** Set once the run is stopped from outside: what its dying children make the phases look like is not written. */
    private boolean frozen;

    Report(Path file, String mode) {
        this.file = file.toAbsolutePath();
        root.put("mode", mode);
        root.put("status", RUNNING);
        root.put("started_at", Instant.now().toString());
        phases = root.putArray("phases");
        notes = root.putArray("notes");
    }

    Path file() {
        return file;
    }

    /** The top-level object, for sections other than phases (device, training, summary). */
    ObjectNode root() {
        return root;
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    /** Records {@code name} as running and writes the report before the phase starts. */
    synchronized Phase begin(String name, String group) {
        ObjectNode node = phases.addObject().put("name", name).put("group", group).put("status", RUNNING)
                .put("started_at", Instant.now().toString());
        write();
        return new Phase(this, node, System.nanoTime());
    }

    /** Records a phase that did not start, e.g. {@link #SKIPPED_DEADLINE}. */
    synchronized ObjectNode skip(String name, String group, String status) {
        ObjectNode node = phases.addObject().put("name", name).put("group", group).put("status", status);
        write();
        return node;
    }

    /**
     * Marks the report and every running phase {@link #INTERRUPTED}, writes it a last time and ignores later writes,
     * unless the run had already completed.
     */
    synchronized void interrupt(String note) {
        if (frozen || root.path("status").asText().equals("complete")) {
            return;
        }
        root.put("status", INTERRUPTED);
        for (var phase : phases) {
            if (phase.path("status").asText().equals(RUNNING)) {
                ((ObjectNode) phase).put("status", INTERRUPTED);
            }
        }
        notes.add(note);
        write();
        frozen = true;
    }

    /** The phases recorded so far, in order. */
    ArrayNode phases() {
        return phases;
    }

    /** The Markdown page written beside the report ({@link ReportPage}): its name with {@code .md} for {@code .json}. */
    Path page() {
        String name = file.getFileName().toString();
        return file.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".md");
    }

    /**
     * Writes the report atomically, then its Markdown page ({@link #page()}), so the two always match, whenever the
     * run stops. Non-finite numbers become null with a note, so the file is always valid JSON; a failed write is said
     * on stderr and does not stop the check (the next write tries again), and neither does a page that cannot be made.
     */
    synchronized void write() {
        if (frozen) {
            return;
        }
        root.put("updated_at", Instant.now().toString());
        List<String> replaced = Json.replaceNonFinite(root, "");
        replaced.forEach(n -> notes.add("non-finite number replaced by null: " + n));
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            replace(dir, file, Json.MAPPER.writeValueAsString(root));
        } catch (IOException e) {
            System.err.println("gpu-check: could not write the report " + file + ": " + e.getMessage());
            return;
        }
        try {
            replace(file.getParent(), page(), ReportPage.render(root));
        } catch (IOException | RuntimeException e) { // the JSON is what counts; a slip in the page must not cost it
            System.err.println("gpu-check: could not write the page " + page() + ": " + e);
        }
    }

    /** Replaces {@code target} by {@code text}: a temporary file in {@code dir}, then one move. */
    private static void replace(Path dir, Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One phase's entry: filled while it runs, closed with its status. */
    static final class Phase {
        private final Report report;
        private final ObjectNode node;
        private final long start;

        private Phase(Report report, ObjectNode node, long start) {
            this.report = report;
            this.node = node;
            this.start = start;
        }

        /** The phase's JSON object, for its details. */
        ObjectNode node() {
            return node;
        }

        /** Sets the final status and the phase's wall time, then writes the report. */
        void end(String status) {
            synchronized (report) {
                node.put("status", status);
                node.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
                report.write();
            }
        }
    }
}
