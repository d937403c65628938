package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The file through which the test child tells the parent what ran: one JSON object per line, flushed as each is
 * written ({@code started}, {@code finished}, and {@code done} at the very end), so the parent learns the outcome of
 * every finished test, and which one was running, even when the child dies without a word.
 *
 * @param outcomes every finished test or failed container, in order
 * @param running  a test that started and never finished: where the child died
 * @param done     whether the child reached the end of the run
 */
record TestLog(List<TestOutcome> outcomes, Optional<String> running, boolean done) {

    /**
     * Reads what a child wrote; a missing file or a torn last line (the child died mid-write) is read as far as it
     * goes.
     */
    static TestLog read(Path file) {
        List<TestOutcome> outcomes = new ArrayList<>();
        SequencedSet<String> open = new LinkedHashSet<>();
        boolean done = false;
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            lines = List.of();
        }
        for (String line : lines) {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                continue; // the torn last line of a child that died while writing
            }
            String test = event.path("test").asText();
            switch (event.path("event").asText()) {
                case "started" -> open.add(test);
                case "finished" -> {
                    open.remove(test);
                    outcomes.add(new TestOutcome(test, TestOutcome.Status.valueOf(
                            event.path("status").asText().toUpperCase(Locale.ROOT)), event.path("detail").asText()));
                }
                case "done" -> done = true;
                default -> {
                }
            }
        }
        return new TestLog(List.copyOf(outcomes), open.isEmpty() ? Optional.empty() : Optional.of(open.getLast()),
                done);
    }

    long count(TestOutcome.Status status) {
        return outcomes.stream().filter(t -> t.status() == status).count();
    }

    /** The child's side: appends and flushes one line per event. */
    static final class Writer implements AutoCloseable {
        private final BufferedWriter out;

        Writer(Path file) throws IOException {
            out = Files.newBufferedWriter(file);
        }

        void started(String test) {
            write(Json.object().put("event", "started").put("test", test));
        }

        void finished(TestOutcome outcome) {
            write(Json.object().put("event", "finished").put("test", outcome.test())
                    .put("status", outcome.status().name().toLowerCase(Locale.ROOT)).put("detail", outcome.detail()));
        }

        void done() {
            write(Json.object().put("event", "done"));
        }

        private synchronized void write(ObjectNode event) {
            try {
                out.write(event.toString()); // one line: toString() does not indent
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test log", e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
