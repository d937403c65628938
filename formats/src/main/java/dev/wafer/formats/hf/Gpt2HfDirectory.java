package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * A Hugging Face GPT-2 model directory: {@code config.json} plus {@code model.safetensors} (or shards listed in
 * {@code model.safetensors.index.json}), or a PyTorch {@code pytorch_model.bin} (or its shards), read without
 * running the pickle. Reads into and writes from a {@link Gpt2Checkpoint}; writes safetensors only.
 */
public final class Gpt2HfDirectory {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String SHARD_INDEX = "model.safetensors.index.json";
    /** The PyTorch checkpoint transformers wrote before safetensors (the Cerebras-GPT release's format). */
    public static final String TORCH_WEIGHTS = "pytorch_model.bin";
    /** The index of a PyTorch checkpoint split over several files (the larger Cerebras-GPT models). */
    public static final String TORCH_SHARD_INDEX = "pytorch_model.bin.index.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Gpt2HfDirectory() {
    }

    /**
     * Reads and validates a model directory.
     *
     * @throws HfFormatException naming the file and the offending field or tensor; for a pickle that is not a
     *                           state dict of tensors, or not named as transformers names it, explaining what to do
     */
    public static Gpt2Checkpoint read(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new HfFormatException(dir + ": expected a Hugging Face model directory (config.json + "
                    + WEIGHTS + " or " + TORCH_WEIGHTS + "), not a file" + (PickleRefusal.isPickle(dir) || isSafetensors(dir)
                    ? ": pass the folder that holds it" : ""));
        }
        if (!Files.isDirectory(dir)) {
            throw new HfFormatException(dir + ": directory does not exist");
        }
        Gpt2Config config = Gpt2ConfigJson.read(dir.resolve(CONFIG));
        ImportedTokenizerCheck.check(dir, dir.resolve(CONFIG), config.vocabSize());
        List<Path> shards = weightFiles(dir);
        List<WeightFile> files = new ArrayList<>();
        try {
            for (Path shard : shards) {
                files.add(isSafetensors(shard) ? SafetensorsReader.open(shard) : TorchZipCheckpoint.open(shard));
            }
            return load(dir, config, files);
        } finally {
            files.forEach(WeightFile::close);
        }
    }

    private static boolean isSafetensors(Path file) {
        return file.getFileName().toString().endsWith(".safetensors");
    }

    private static Gpt2Checkpoint load(Path dir, Gpt2Config config, List<WeightFile> files) {
        Map<String, WeightFile> owner = new LinkedHashMap<>();
        Map<String, String> fileName = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (WeightFile file : files) {
            for (Map.Entry<String, long[]> e : file.shapes().entrySet()) {
                if (Gpt2Layout.isIgnoredBuffer(e.getKey())) {
                    continue;
                }
                String name = Gpt2Layout.canonicalName(e.getKey());
                if (owner.put(name, file) != null) {
                    throw new HfFormatException(file.file() + ": tensor '" + name + "' appears more than once");
                }
                fileName.put(name, e.getKey());
                shapes.put(name, intShape(file, e.getKey(), e.getValue()));
            }
        }
        Gpt2Layout.validate(files.size() == 1 ? files.get(0).file().toString() : dir.toString(), config, shapes);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, WeightFile> e : owner.entrySet()) {
            tensors.put(e.getKey(), new FloatTensor(shapes.get(e.getKey()), e.getValue().readFloats(fileName.get(e.getKey()))));
        }
        FloatTensor head = tensors.remove(Gpt2Layout.LM_HEAD);
        if (config.tieWordEmbeddings() && head != null && !Arrays.equals(head.data(), tensors.get(Gpt2Layout.WTE).data())) {
            throw new HfFormatException(dir + ": config.json ties the embeddings (tie_word_embeddings=true) but "
                    + Gpt2Layout.LM_HEAD + " differs from " + Gpt2Layout.WTE + "; set tie_word_embeddings to false if the head is separate");
        }
        Gpt2Config read = config;
        if (!config.tieWordEmbeddings() && head != null) {
            if (Arrays.equals(head.data(), tensors.get(Gpt2Layout.WTE).data())) {
                // An untied head equal to the embedding bit for bit is a tied head: Wafer represents it exactly.
                read = config.withMup(config.mup(), true);
            } else {
                tensors.put(Gpt2Layout.LM_HEAD, head);
            }
        }
        return new Gpt2Checkpoint(read, tensors);
    }

    /** A tensor's shape as ints; a dimension past an int is no GPT-2 tensor Wafer can hold (one line, not a crash). */
    private static int[] intShape(WeightFile file, String name, long[] shape) {
        for (long d : shape) {
            if (d > Integer.MAX_VALUE) {
                throw new HfFormatException(file.file() + ": tensor '" + name + "' has shape "
                        + Arrays.toString(shape) + ": a dimension of " + d + " is more than Wafer holds ("
                        + Integer.MAX_VALUE + ")");
            }
        }
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    /**
     * The weights files of a directory: safetensors first (one file or an index of shards), else a PyTorch zip
     * checkpoint ({@code pytorch_model.bin} or its index). Other pickle-looking files are refused with an explanation.
     */
    static List<Path> weightFiles(Path dir) {
        for (String name : List.of(WEIGHTS, SHARD_INDEX, TORCH_WEIGHTS, TORCH_SHARD_INDEX)) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return name.endsWith(".json") ? shardsOf(file) : List.of(file);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> pickles = files.filter(Files::isRegularFile).filter(PickleRefusal::isPickle).sorted().toList();
            if (!pickles.isEmpty()) {
                throw PickleRefusal.refuse(pickles.get(0));
            }
        } catch (IOException e) {
            throw new HfFormatException(dir + ": cannot list directory: " + e.getMessage(), e);
        }
        throw new HfFormatException(dir + ": no " + WEIGHTS + " (or " + SHARD_INDEX + ", " + TORCH_WEIGHTS + ", "
                + TORCH_SHARD_INDEX + ") in the model directory");
    }

    private static List<Path> shardsOf(Path index) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(index));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new HfFormatException(index + ": not valid JSON: " + PrintableText.of(e.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw new HfFormatException(index + ": cannot read shard index: " + PrintableText.of(e.getMessage()), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new HfFormatException(index + ": " + (map == null ? "missing 'weight_map'"
                    : "'weight_map' must be an object of tensor names to shard file names; found " + kind(map)));
        }
        TreeSet<String> names = new TreeSet<>();
        map.properties().forEach(e -> names.add(e.getValue().asText()));
        List<Path> shards = new ArrayList<>();
        for (String name : names) {
            Path shard = index.resolveSibling(name).normalize();
            if (shards.contains(shard)) {
                continue; // the same file spelled twice ("./a.safetensors" and "a.safetensors"): read it once
            }
            if (!shard.getParent().equals(index.getParent().normalize()) || !Files.isRegularFile(shard)) {
                throw new HfFormatException(index + ": shard '" + name + "' is missing or outside the model directory");
            }
            shards.add(shard);
        }
        return shards;
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "an array" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isNull() ? "null" : "a " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} for GPT2LMHeadModel. A muP checkpoint must be folded
     * first ({@link MupFolding#fold}); a tied head is not written, as Hugging Face's own safetensors export drops it.
     */
    public static void write(Path dir, Gpt2Checkpoint checkpoint) {
        write(dir, checkpoint, Map.of());
    }

    /**
     * Writes the model with its training provenance: in {@code config.json} under {@link WaferProvenance#CONFIG_KEY}
     * and in the safetensors metadata as {@code wafer_}-prefixed strings, so either file alone still says what
     * trained it.
     */
    public static void write(Path dir, Gpt2Checkpoint checkpoint, Map<String, String> provenance) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HfFormatException(dir + ": cannot create directory: " + e.getMessage(), e);
        }
        // Encoding the config first refuses a muP model before any weights are written.
        Gpt2ConfigJson.toJson(checkpoint.config(), provenance);
        List<TensorSource> sources = new ArrayList<>();
        checkpoint.tensors().forEach((name, t) -> sources.add(TensorSource.of(new TensorSpec(name, t.shape()), t.data())));
        // transformers refuses safetensors files without format metadata.
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.putAll(WaferProvenance.metadata(provenance));
        SafetensorsWriter.write(dir.resolve(WEIGHTS), metadata, sources);
        Gpt2ConfigJson.write(dir.resolve(CONFIG), checkpoint.config(), provenance);
    }
}
