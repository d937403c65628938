package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temporary files killed runs of export-hf, import-hf, data fingerprint and eval --write-requests left beside
 * their output (until 2026-12-07 never removed) are removed by the next successful write of the same output, and
 * nothing else is: other names, other outputs' temporary files.
 */
class StaleTempsTest {
    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void leave(Path dir, String... names) throws IOException {
        for (String n : names) {
            Files.writeString(dir.resolve(n), "left by a killed run");
        }
    }

    private static void ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void fingerprintImportAndExport() throws IOException {
        leave(tmp, ".fp.bin.9484.tmp", ".fp.bin.keep", ".other.bin.9484.tmp", ".x.wafer.tmp-9f52c58b4ad8");
        Path text = Files.writeString(tmp.resolve("work.txt"), "river stone lantern quiet orchard ".repeat(20));
        ok("data", "fingerprint", "--text", text.toString(), "--out", tmp.resolve("fp.bin").toString());
        ok("import-hf", "--from", HfInteropTest.fixture("tiny-gpt2").toString(), "--out",
                tmp.resolve("x.wafer").toString());
        assertEquals(List.of(".fp.bin.keep", ".other.bin.9484.tmp", "fp.bin", "work.txt", "x.wafer"), names(tmp));

        Path hf = Files.createDirectories(tmp.resolve("hf"));
        leave(hf, ".model.safetensors.tmp-0123456789ab", ".config.json.tmp-ba9876543210");
        ok("export-hf", "--checkpoint", tmp.resolve("x.wafer").toString(), "--out", hf.toString());
        assertEquals(List.of("config.json", "model.safetensors"), names(hf));
    }

    @Test
    void evalWriteRequests() throws IOException {
        Path model = tmp.resolve("model");
        ok("train", "--synthetic", "--out", model.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "32", "--batch", "2", "--steps", "1", "--seed", "5");
        Path out = Files.createDirectories(tmp.resolve("out"));
        leave(out, ".r.jsonl.k3j2h1x.tmp", ".q.jsonl.k3j2h1x.tmp");
        ok("eval", "--checkpoint", model.toString(), "--tasks", "builtin", "--write-requests",
                out.resolve("r.jsonl").toString());
        assertEquals(List.of(".q.jsonl.k3j2h1x.tmp", "r.jsonl"), names(out));
    }
}
