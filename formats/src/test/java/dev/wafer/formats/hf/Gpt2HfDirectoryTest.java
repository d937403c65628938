package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

class Gpt2HfDirectoryTest {
    private static final long SEED = 99L;

    @TempDir
    Path dir;

    @Test
    void readsTheNumpyWrittenGpt2ModelDirectoryWithBuffersAndUnprefixedNames() throws IOException {
        Path fixture = SafetensorsTest.resource("tiny-gpt2");
        Gpt2Checkpoint ckpt = Gpt2HfDirectory.read(fixture);
        assertEquals("GPT2Model", ckpt.config().architecture());
        assertEquals(16, ckpt.config().nInner());
        assertEquals(Gpt2Activation.GELU, ckpt.config().activation());
        JsonNode expected = new ObjectMapper().readTree(fixture.resolve("expected.json").toFile());
        assertEquals(expected.size(), ckpt.tensors().size());
        expected.properties().forEach(e -> {
            FloatTensor t = ckpt.tensor(e.getKey());
            JsonNode x = e.getValue();
            assertEquals(x.get("shape").toString(), t.shapeText().replace(" ", ""), e.getKey());
            assertEquals((float) x.get("first").asDouble(), t.data()[0], 0f, e.getKey());
            assertEquals((float) x.get("last").asDouble(), t.data()[t.data().length - 1], 0f, e.getKey());
            double sum = 0;
            for (float v : t.data()) {
                sum += v;
            }
            assertEquals(x.get("sum").asDouble(), sum, 1e-9, e.getKey());
        });
        assertTrue(ckpt.tensors().keySet().stream().noneMatch(n -> n.endsWith(".attn.bias") || n.endsWith("masked_bias")));
    }

    @Test
    void writeThenReadRoundTripsTiedAndUntiedModels() {
        for (boolean tied : new boolean[] {true, false}) {
            Gpt2Checkpoint original = TinyGpt2.random(TinyGpt2.config(tied, null), SEED);
            Path out = dir.resolve("tied-" + tied);
            Gpt2HfDirectory.write(out, original);
            Gpt2Checkpoint back = Gpt2HfDirectory.read(out);
            assertEquals(original, back, "tied=" + tied + " seed=" + SEED);
            assertEquals(tied, !back.tensors().containsKey(Gpt2Layout.LM_HEAD));
        }
    }

    @Test
    void writtenFilesAreWhatHuggingFaceExpects() throws IOException {
        Path out = dir.resolve("export");
        Gpt2HfDirectory.write(out, TinyGpt2.random(TinyGpt2.config(true, null), SEED));
        try (SafetensorsReader r = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            assertEquals("pt", r.metadata().get("format"));
            assertEquals("F32", r.entry("transformer.h.1.attn.c_attn.weight").dtype());
            assertNull(r.entry(Gpt2Layout.LM_HEAD));
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("GPT2LMHeadModel", config.get("architectures").get(0).asText());
        assertEquals("gelu_new", config.get("activation_function").asText());
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void aTiedHeadInTheFileIsAcceptedWhenEqualAndRejectedWhenDifferent() {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Map<String, FloatTensor> withHead = new LinkedHashMap<>(model.tensors());
        withHead.put(Gpt2Layout.LM_HEAD, model.tensor(Gpt2Layout.WTE));
        writeRaw(dir.resolve("same"), model.config(), withHead);
        assertEquals(model, Gpt2HfDirectory.read(dir.resolve("same")));

        withHead.put(Gpt2Layout.LM_HEAD, model.tensor(Gpt2Layout.WTE).times(2));
        writeRaw(dir.resolve("diff"), model.config(), withHead);
        assertFails(dir.resolve("diff"), "lm_head.weight differs from transformer.wte.weight");
    }

    /**
     * An untied config whose head equals the embedding bit for bit is a tied model (it used to be refused as
     * "differs"); a muP model folded by export is refused saying it is one, a separate head saying it differs.
     */
    @Test
    void anUntiedHeadEqualToTheEmbeddingIsTiedAndAFoldedMupExportIsNamed() {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Gpt2Config untied = model.config().withMup(null, false);
        Map<String, FloatTensor> withHead = new LinkedHashMap<>(model.tensors());
        withHead.put(Gpt2Layout.LM_HEAD, model.tensor(Gpt2Layout.WTE));
        writeRaw(dir.resolve("same"), untied, withHead);
        Gpt2Checkpoint same = Gpt2HfDirectory.read(dir.resolve("same"));
        assertEquals(model, same);
        Gpt2Config gelu = new Gpt2Config(8, 2, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU, true, "GPT2LMHeadModel", null);
        Gpt2Conversion.toWafer("same", new Gpt2Checkpoint(gelu, same.tensors()));

        Gpt2Config mupConfig = new Gpt2Config(8, 2, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU, true, "GPT2LMHeadModel",
                new MupMultipliers(0.5, 10, 1, true));
        Gpt2HfDirectory.write(dir.resolve("folded"), MupFolding.fold(TinyGpt2.random(mupConfig, SEED)));
        HfFormatException folded = assertThrows(HfFormatException.class,
                () -> Gpt2Conversion.toWafer("folded", Gpt2HfDirectory.read(dir.resolve("folded"))));
        assertTrue(folded.getMessage().contains(", as in a muP model folded into plain GPT-2 by export-hf"),
                folded.getMessage());

        Gpt2Config separate = new Gpt2Config(8, 2, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU, false, "GPT2LMHeadModel",
                null);
        Gpt2HfDirectory.write(dir.resolve("separate"), TinyGpt2.random(separate, SEED));
        HfFormatException differs = assertThrows(HfFormatException.class,
                () -> Gpt2Conversion.toWafer("separate", Gpt2HfDirectory.read(dir.resolve("separate"))));
        assertTrue(differs.getMessage().contains("differs from transformer.wte.weight (a separate head)"),
                differs.getMessage());
    }

    /** A dimension past an int is one line naming the file and tensor (it was an ArithmeticException). */
    @Test
    void aDimensionPastAnIntIsNamed() throws IOException {
        Path model = dir.resolve("huge");
        Files.createDirectories(model);
        Gpt2ConfigJson.write(model.resolve("config.json"), TinyGpt2.config(true, null));
        byte[] header = "{\"foo\":{\"dtype\":\"U8\",\"shape\":[5000000000,0],\"data_offsets\":[0,0]}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        Files.write(model.resolve("model.safetensors"), file.array());
        assertFails(model, "model.safetensors: tensor 'foo' has shape [5000000000, 0]: a dimension of 5000000000");
    }

    /** A config's n_layer far past the file's blocks is refused before the expected names are listed. */
    @Test
    void anNLayerPastTheFilesBlocksIsRefusedAtOnce() {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Gpt2Config huge = new Gpt2Config(8, 100_000_000, 2, 12, 6, 13, 1e-5, Gpt2Activation.GELU_NEW, true,
                "GPT2LMHeadModel", null);
        writeRaw(dir.resolve("layers"), huge, model.tensors());
        long start = System.nanoTime();
        assertFails(dir.resolve("layers"), "n_layer is 100000000 but the file holds blocks 0 to 1 (transformer.h.2.*");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without listing 1.6 billion names");
    }

    @Test
    void everyBadTensorIsNamed() {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(false, null), SEED);
        Map<String, FloatTensor> bad = new LinkedHashMap<>(model.tensors());
        bad.remove("transformer.h.1.mlp.c_fc.bias");
        FloatTensor cFc = bad.get("transformer.h.0.mlp.c_fc.weight");
        bad.put("transformer.h.0.mlp.c_fc.weight", new FloatTensor(new int[] {12, 8}, cFc.data()));
        bad.put("transformer.h.2.ln_1.weight", new FloatTensor(new int[] {8}, new float[8]));
        writeRaw(dir.resolve("bad"), model.config(), bad);
        HfFormatException e = assertFails(dir.resolve("bad"),
                "'transformer.h.0.mlp.c_fc.weight' has shape [12, 8], expected [8, 12] (transposed");
        assertTrue(e.getMessage().contains("missing tensors: transformer.h.1.mlp.c_fc.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected tensors (not GPT-2 for this config): transformer.h.2.ln_1.weight"), e.getMessage());

        Map<String, FloatTensor> noHead = new LinkedHashMap<>(model.tensors());
        noHead.remove(Gpt2Layout.LM_HEAD);
        writeRaw(dir.resolve("nohead"), model.config(), noHead);
        assertFails(dir.resolve("nohead"), "missing tensors: lm_head.weight");
    }

    @Test
    void refusesPickleFilesItCannotReadWithAnExplanation() throws IOException {
        Path hf = dir.resolve("cerebras-111m");
        Files.createDirectories(hf);
        Files.writeString(hf.resolve("config.json"), Gpt2ConfigJsonTest.CEREBRAS_111M);
        Files.write(hf.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        HfFormatException e = assertFails(hf, "pytorch_model.bin: a pickle without a zip archive around it");
        assertTrue(e.getMessage().contains("legacy format"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line for the CLI");
        Files.delete(hf.resolve("pytorch_model.bin"));
        Files.write(hf.resolve("model.ckpt"), new byte[] {1});
        e = assertFails(hf, "holds the pickle 'model.ckpt' but no model.safetensors or pytorch_model.bin");
        assertTrue(e.getMessage().contains("save_file(") && e.getMessage().contains("safe_serialization=True"), e.getMessage());
        assertFails(hf.resolve("model.ckpt"), "not a file: pass the folder that holds it");
    }

    @Test
    void readsShardedSafetensors() throws IOException {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Path out = dir.resolve("sharded");
        Files.createDirectories(out);
        Gpt2ConfigJson.write(out.resolve("config.json"), model.config());
        List<TensorSource> first = new ArrayList<>();
        List<TensorSource> second = new ArrayList<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        model.tensors().forEach((name, t) -> {
            boolean one = name.startsWith("transformer.h.0") || name.startsWith("transformer.w");
            (one ? first : second).add(TensorSource.of(new TensorSpec(name, t.shape()), t.data()));
            weightMap.put(name, one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        SafetensorsWriter.write(out.resolve("model-00001-of-00002.safetensors"), Map.of("format", "pt"), first);
        SafetensorsWriter.write(out.resolve("model-00002-of-00002.safetensors"), Map.of("format", "pt"), second);
        new ObjectMapper().writeValue(out.resolve("model.safetensors.index.json").toFile(), Map.of("weight_map", weightMap));
        assertEquals(model, Gpt2HfDirectory.read(out));
    }

    /** An index naming one shard as "./x" for some tensors and "x" for others lists one file, read once. */
    @Test
    void aShardSpelledTwoWaysIsOneShard() throws IOException {
        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Path out = dir.resolve("spelled-twice");
        Files.createDirectories(out);
        Gpt2ConfigJson.write(out.resolve("config.json"), model.config());
        List<TensorSource> all = new ArrayList<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        model.tensors().forEach((name, t) -> {
            all.add(TensorSource.of(new TensorSpec(name, t.shape()), t.data()));
            weightMap.put(name, (name.startsWith("transformer.w") ? "./" : "") + "model-00001-of-00001.safetensors");
        });
        SafetensorsWriter.write(out.resolve("model-00001-of-00001.safetensors"), Map.of("format", "pt"), all);
        new ObjectMapper().writeValue(out.resolve("model.safetensors.index.json").toFile(), Map.of("weight_map", weightMap));
        assertEquals(model, Gpt2HfDirectory.read(out));
    }

    @Test
    void aBrokenShardIndexAndAnOddTensorNameAreOneLine() throws IOException {
        Path out = Files.createDirectories(dir.resolve("broken-index"));
        Gpt2ConfigJson.write(out.resolve("config.json"), TinyGpt2.config(true, null));
        Path index = Files.writeString(out.resolve("pytorch_model.bin.index.json"), "{not json");
        HfFormatException e = assertFails(out, "pytorch_model.bin.index.json: not valid JSON: ");
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("REDACTED"), e.getMessage());
        Files.writeString(index, "{\"weight_map\": [\"a.bin\"]}");
        assertFails(out, "'weight_map' must be an object of tensor names to shard file names; found an array");
        Files.delete(index);

        Gpt2Checkpoint model = TinyGpt2.random(TinyGpt2.config(true, null), SEED);
        Map<String, FloatTensor> odd = new LinkedHashMap<>(model.tensors());
        odd.put("x\u001b[31mRED\nsecond line", new FloatTensor(new int[] {1}, new float[] {0}));
        writeRaw(out, model.config(), odd);
        e = assertFails(out, "unexpected tensors (not GPT-2 for this config): x\\u001b[31mRED\\u000asecond line");
    }

    @Test
    void refusesToExportAnUnfoldedMupModel() {
        Gpt2Checkpoint mup = TinyGpt2.random(TinyGpt2.config(true, new MupMultipliers(0.5, 10, 1, true)), SEED);
        assertThrows(IllegalArgumentException.class, () -> Gpt2HfDirectory.write(dir.resolve("mup"), mup));
        assertFalse(Files.exists(dir.resolve("mup").resolve("model.safetensors")));
    }

    /**
     * A directory recording the byte tokenizer imports with its end-of-text 256 whatever its vocabulary, and one naming
     * 50256 is refused as contradicting the record (until 2026-12-07 the other way round for 50,257 ids).
     */
    @Test
    void theRecordedTokenizerDecidesWhichEndOfTextIdImports() throws IOException {
        Gpt2Config wide = new Gpt2Config(8, 1, 2, 12, 6, 50257, 1e-5, Gpt2Activation.GELU, true, "GPT2LMHeadModel",
                null);
        Gpt2Checkpoint model = TinyGpt2.random(wide, SEED);
        Path bytes = dir.resolve("bytes");
        Gpt2HfDirectory.write(bytes, model, Map.of("tokenizer", "bytes-utf8"));
        assertEquals(256, new ObjectMapper().readTree(bytes.resolve("config.json")
                .toFile()).path("eos_token_id").asInt());
        assertEquals(wide, Gpt2HfDirectory.read(bytes).config());
        Path config = bytes.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("256", "50256"));
        HfFormatException e = assertFails(bytes, "eos_token_id is 50256, but its wafer_provenance records tokenizer"
                + " bytes-utf8, whose end-of-text is 256");
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        Path gpt2 = dir.resolve("gpt2");
        Gpt2HfDirectory.write(gpt2, model, Map.of("tokenizer", "gpt2-r50k"));
        assertEquals(wide, Gpt2HfDirectory.read(gpt2).config());
        Path gpt2Config = gpt2.resolve("config.json");
        Files.writeString(gpt2Config, Files.readString(gpt2Config).replace("50256", "256"));
        assertFails(gpt2, "is 256, but its wafer_provenance records tokenizer gpt2-r50k, whose end-of-text is 50256");
    }

    private static void writeRaw(Path out, Gpt2Config config, Map<String, FloatTensor> tensors) {
        List<TensorSource> sources = new ArrayList<>();
        tensors.forEach((name, t) -> sources.add(TensorSource.of(new TensorSpec(name, t.shape()), t.data())));
        SafetensorsWriter.write(out.resolve("model.safetensors"), Map.of("format", "pt"), sources);
        Gpt2ConfigJson.write(out.resolve("config.json"), config);
    }

    private static HfFormatException assertFails(Path path, String expected) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> Gpt2HfDirectory.read(path));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }
}
