package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.ports.data.DocumentSource;

/**
 * The manifest ties a dataset to its exact input files: each input's SHA-256 is that of its stored bytes (a zstd
 * file's compressed bytes, including any the decoder never needed), computed while it is read; an older manifest
 * without one still reads.
 */
class InputDigestTest {
    private static final long SEED = 20261207L;

    @TempDir
    Path dir;

    @Test
    void eachInputsSha256IsThatOfItsStoredBytes() throws Exception {
        Random random = new Random(SEED);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            jsonl.append("{\"text\": \"document ").append(i).append(' ').append(random.nextLong())
                    .append(" é\", \"meta\": {\"pile_set_name\": \"Pile-CC\"}}\n");
        }
        Path plain = Files.writeString(dir.resolve("a.jsonl"), jsonl);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(compressed)) {
            z.write(jsonl.toString().replace("document", "record").getBytes(StandardCharsets.UTF_8));
        }
        Path zst = Files.write(dir.resolve("b.jsonl.zst"), compressed.toByteArray());
        Path text = Files.writeString(dir.resolve("c.txt"), "a plain text document, seed " + SEED + "\n");

        List<DocumentSource> inputs = Inputs.resolve(List.of(plain, zst, text), n -> { });
        inputs.forEach(i -> assertNull(i.sha256(), i.name() + " has no digest before it is read"));
        Path out = dir.resolve("ds");
        new DatasetPreparer(settings(out), Progress.NONE).prepare(inputs);

        List<DatasetManifest.Input> recorded = ManifestJson.read(out).inputs();
        assertEquals(List.of(plain.toString(), zst.toString(), text.toString()),
                recorded.stream().map(DatasetManifest.Input::name).toList());
        for (int i = 0; i < 3; i++) {
            Path file = List.of(plain, zst, text).get(i);
            assertEquals(sha256(Files.readAllBytes(file)), recorded.get(i).sha256(), file.toString());
            assertEquals(Files.size(file), recorded.get(i).bytes(), file.toString());
        }
    }

    @Test
    void aManifestWrittenBeforeDigestsReadsWithEmptyOnes() throws Exception {
        Path plain = Files.writeString(dir.resolve("a.jsonl"), "{\"text\": \"one document of text\"}\n");
        Path out = dir.resolve("ds");
        new DatasetPreparer(settings(out), Progress.NONE).prepare(Inputs.resolve(List.of(plain), n -> { }));
        Path manifest = new DatasetLayout(out).manifest();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
        ((ObjectNode) ((ArrayNode) root.get("inputs")).get(0)).remove("sha256");
        ObjectNode parsed = root.deepCopy();
        DatasetManifest old = DatasetManifestJson.parse(parsed, new DatasetLayout(out));
        assertEquals(List.of(new DatasetManifest.Input(plain.toString(), Files.size(plain), "")), old.inputs());
    }

    private static PrepareSettings settings(Path out) {
        String split = "1,0,0";
        return new PrepareSettings(out, new ByteTokenizer(), 16, 3, split, SplitAssigner.parse(split),
                new ProvenanceRules(new HashSet<>(), new HashSet<>(), new WorkMatcher(List.of())), List.of(),
                List.of(), List.of(), Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 1, 200, 1 << 16);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
