package dev.wafer.formats.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.wafer.formats.fileio.AtomicFileWriter;
import dev.wafer.formats.fileio.TensorStreams;

/** Reads and writes GPT-2 {@code config.json}, including btlm-style muP fields under their current and older names. */
public final class Gpt2ConfigJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> ARCHITECTURES = Set.of("GPT2LMHeadModel", "GPT2Model", "BTLMLMHeadModel", "BTLMModel");
    /** GPT-2's end-of-text token, also Cerebras-GPT's BOS/EOS. */
    private static final int EOT = 50256;
    /** The byte tokenizer's vocabulary: 256 bytes, then end-of-text (dev.wafer.formats.data.ByteTokenizer). */
    private static final int BYTE_VOCABULARY = 257;
    /** The byte tokenizer's name in manifests and provenance. */
    private static final String BYTE_TOKENIZER = "bytes-utf8";

    private Gpt2ConfigJson() {
    }

    /** Reads {@code file}. */
    public static Gpt2Config read(Path file) {
        var special = dev.wafer.formats.fileio.FileKinds.nonRegularTarget(file);
        if (special.isPresent()) {
            // A FIFO would block the read forever.
            throw new HfFormatException(file + ": is " + special.get() + ", not a regular file");
        }
        try {
            return parse(file.toString(), MAPPER.readTree(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            throw new HfFormatException(file + ": file does not exist (a Hugging Face model directory needs config.json)");
        } catch (JsonProcessingException e) {
            throw new HfFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Interprets a parsed config; {@code source} names it in error messages. */
    public static Gpt2Config parse(String source, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new HfFormatException(source + ": not a JSON object");
        }
        Fields f = new Fields(source, root);
        String modelType = f.text("model_type", "gpt2");
        if (!modelType.equals("gpt2") && !modelType.equals("btlm")) {
            throw new HfFormatException(source + ": model_type '" + printable(modelType) + "' is not supported; Wafer imports gpt2 (and btlm muP) models");
        }
        String architecture = architecture(source, root);
        int nEmbd = f.requiredInt("n_embd");
        int nLayer = f.requiredInt("n_layer");
        int nHead = f.requiredInt("n_head");
        Integer nInner = f.optionalInt("n_inner");
        int nPositions = root.has("n_positions") ? f.requiredInt("n_positions") : f.requiredInt("n_ctx");
        int vocab = f.requiredInt("vocab_size");
        double eps = f.number("layer_norm_epsilon", 1e-5);
        // Hugging Face's GPT2Config default is gelu_new, so a config without the field means the tanh form.
        String act = f.text("activation_function", "gelu_new");
        Gpt2Activation activation = Gpt2Activation.fromHf(act);
        if (activation == null) {
            throw new HfFormatException(source + ": activation_function '" + printable(act) + "' is not supported; Wafer imports \"gelu\" (the exact GELU) only"
                    + (act.equals("swiglu") ? " (BTLM-3B's SwiGLU MLP is a different architecture)" : ""));
        }
        f.requireFlag("scale_attn_weights", true, "unscaled attention logits");
        f.requireFlag("scale_attn_by_inverse_layer_idx", false, "per-layer attention scaling");
        f.requireFlag("add_cross_attention", false, "cross-attention");
        String positions = f.text("position_embedding_type", "learned");
        if (!positions.equals("learned")) {
            throw new HfFormatException(source + ": position_embedding_type '" + printable(positions) + "' is not supported; only learned positions");
        }
        boolean tied = f.bool("tie_word_embeddings", true);
        MupMultipliers mup = mup(source, f);
        try {
            return new Gpt2Config(nEmbd, nLayer, nHead, nInner == null ? 4 * nEmbd : nInner, nPositions, vocab, eps,
                    activation, tied, architecture, mup);
        } catch (IllegalArgumentException e) {
            throw new HfFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static String architecture(String source, JsonNode root) {
        JsonNode archs = root.get("architectures");
        if (archs == null || archs.isNull()) {
            return "GPT2LMHeadModel";
        }
        if (!archs.isArray() || archs.isEmpty() || !archs.get(0).isTextual()) {
            throw new HfFormatException(source + ": 'architectures' must be a list of class names");
        }
        String arch = archs.get(0).asText();
        if (!ARCHITECTURES.contains(arch)) {
            throw new HfFormatException(source + ": architectures " + archs + " is not supported; expected one of " + ARCHITECTURES);
        }
        return arch;
    }

    /** The muP multipliers under the current ({@code mup_*}) or the earliest btlm names, or null for SP. */
    private static MupMultipliers mup(String source, Fields f) {
        boolean current = f.has("mup_width_scale") || f.has("mup_embeddings_scale") || f.has("mup_output_alpha")
                || f.has("mup_scale_qk_dot_by_d");
        boolean older = f.has("width_scale") || f.has("embeddings_scale") || f.has("output_logits_scale")
                || f.has("scale_qk_dot_by_d");
        if (!current && !older) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        double width;
        double alpha;
        double embeddings;
        boolean qkByD;
        if (current) {
            width = f.numberOrMissing("mup_width_scale", missing);
            alpha = f.numberOrMissing("mup_output_alpha", missing);
            embeddings = f.numberOrMissing("mup_embeddings_scale", missing);
            qkByD = f.boolOrMissing("mup_scale_qk_dot_by_d", missing);
        } else {
            // The earliest btlm config stores the product output_logits_scale = alpha * width_scale.
            width = f.numberOrMissing("width_scale", missing);
            double logits = f.numberOrMissing("output_logits_scale", missing);
            alpha = missing.isEmpty() ? logits / width : 1;
            embeddings = f.numberOrMissing("embeddings_scale", missing);
            qkByD = f.boolOrMissing("scale_qk_dot_by_d", missing);
        }
        if (!missing.isEmpty()) {
            // Guessing a muP multiplier silently changes every logit, so an incomplete set is an error.
            throw new HfFormatException(source + ": muP config is incomplete, missing " + String.join(", ", missing));
        }
        // Each multiplier by its own name (the multipliers' own check lists all three and names none).
        requirePositive(source, current ? "mup_width_scale" : "width_scale", width);
        requirePositive(source, current ? "mup_embeddings_scale" : "embeddings_scale", embeddings);
        if (current) {
            requirePositive(source, "mup_output_alpha", alpha);
        } else {
            requirePositive(source, "output_logits_scale", alpha * width);
        }
        try {
            return new MupMultipliers(width, embeddings, alpha, qkByD);
        } catch (IllegalArgumentException e) {
            throw new HfFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static void requirePositive(String source, String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new HfFormatException(source + ": field '" + field + "' must be a positive finite number, found "
                    + value);
        }
    }

    /** The {@code config.json} text for a standard-parameterisation GPT2LMHeadModel. */
    public static String toJson(Gpt2Config config) {
        return toJson(config, Map.of());
    }

    /**
     * The {@code config.json} text with the model's training provenance under {@link WaferProvenance#CONFIG_KEY}
     * (omitted when empty); Hugging Face loaders keep unknown keys as attributes and otherwise ignore them.
     */
    public static String toJson(Gpt2Config config, Map<String, String> provenance) {
        if (config.mup() != null) {
            throw new IllegalArgumentException("a muP config cannot be exported as GPT-2: GPT-2 loaders ignore the muP "
                    + "multipliers and would compute different logits; fold them into the weights first (MupFolding.fold)");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("architectures", List.of("GPT2LMHeadModel"));
        root.put("model_type", "gpt2");
        root.put("vocab_size", config.vocabSize());
        root.put("n_positions", config.nPositions());
        root.put("n_embd", config.nEmbd());
        root.put("n_layer", config.nLayer());
        root.put("n_head", config.nHead());
        root.put("n_inner", config.nInner());
        root.put("activation_function", config.activation().hfName());
        root.put("layer_norm_epsilon", config.layerNormEpsilon());
        root.put("tie_word_embeddings", config.tieWordEmbeddings());
        root.put("scale_attn_weights", true);
        root.put("resid_pdrop", 0.0);
        root.put("embd_pdrop", 0.0);
        root.put("attn_pdrop", 0.0);
        root.put("initializer_range", 0.02);
        endOfTextId(config.vocabSize(), provenance.get(WaferProvenance.TOKENIZER)).ifPresent(eot -> {
            root.put("bos_token_id", eot);
            root.put("eos_token_id", eot);
        });
        if (!provenance.isEmpty()) {
            root.put(WaferProvenance.CONFIG_KEY, provenance);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode config.json", e);
        }
    }

    /**
     * The end-of-text id to export for a vocabulary, when Wafer's tokenizers fix it: 50256 for GPT-2's vocabulary
     * (50,257 ids, or more when padded), 256 for the byte tokenizer's 257 ids; otherwise none, so that
     * {@code config.json} never names an id the model does not have or that means something else.
     */
    public static java.util.OptionalInt endOfTextId(int vocabSize) {
        if (vocabSize >= EOT + 1) {
            return java.util.OptionalInt.of(EOT);
        }
        if (vocabSize == BYTE_VOCABULARY) {
            return java.util.OptionalInt.of(BYTE_VOCABULARY - 1);
        }
        return java.util.OptionalInt.empty();
    }

    /**
     * The end-of-text id to export for a model whose provenance records {@code tokenizer}: the recorded tokenizer's
     * (256 for {@code bytes-utf8}, 50256 for GPT-2's), whatever the vocabulary size, since that is the id the model
     * was trained to end text with (a byte-tokenized model keeps train's default 50,257 ids unless given --vocab 257);
     * none for another recorded tokenizer (a tokenizer.json's, whose end-of-text the directory does not say) or an id
     * past the vocabulary; {@link #endOfTextId(int)} when none is recorded ({@code null} or blank).
     */
    public static java.util.OptionalInt endOfTextId(int vocabSize, String tokenizer) {
        if (tokenizer == null || tokenizer.isBlank()) {
            return endOfTextId(vocabSize);
        }
        java.util.OptionalInt eot = builtInEndOfText(tokenizer);
        return eot.isPresent() && eot.getAsInt() < vocabSize ? eot : java.util.OptionalInt.empty();
    }

    /** The end-of-text of a tokenizer Wafer has built in, by the name datasets record: bytes-utf8, gpt2-r50k (gpt2). */
    static java.util.OptionalInt builtInEndOfText(String tokenizer) {
        return switch (tokenizer) {
            case BYTE_TOKENIZER -> java.util.OptionalInt.of(BYTE_VOCABULARY - 1);
            case "gpt2", "gpt2-r50k" -> java.util.OptionalInt.of(EOT);
            default -> java.util.OptionalInt.empty();
        };
    }

    /** Writes {@code config.json} atomically. */
    public static void write(Path file, Gpt2Config config) {
        write(file, config, Map.of());
    }

    /** Writes {@code config.json} with the model's training provenance atomically. */
    public static void write(Path file, Gpt2Config config, Map<String, String> provenance) {
        byte[] bytes = toJson(config, provenance).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            AtomicFileWriter.write(file, channel -> TensorStreams.writeFully(channel, ByteBuffer.wrap(bytes)));
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The file's text for a one-line message: control characters (a line break in a value) escaped. */
    private static String printable(String text) {
        return PrintableText.of(text);
    }

    /** Typed access to config fields with messages that name the file and field. */
    private record Fields(String source, JsonNode root) {
        boolean has(String name) {
            return root.has(name) && !root.get(name).isNull();
        }

        int requiredInt(String name) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                throw new HfFormatException(source + ": required field '" + name + "' is missing");
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw new HfFormatException(source + ": field '" + name + "' must be an integer, found " + n);
            }
            return n.asInt();
        }

        Integer optionalInt(String name) {
            return has(name) ? requiredInt(name) : null;
        }

        double number(String name, double fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode n = root.get(name);
            if (!n.isNumber()) {
                throw new HfFormatException(source + ": field '" + name + "' must be a number, found " + n);
            }
            return n.asDouble();
        }

        double numberOrMissing(String name, List<String> missing) {
            if (!has(name)) {
                missing.add(name);
                return 1;
            }
            return number(name, 1);
        }

        String text(String name, String fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode n = root.get(name);
            if (!n.isTextual()) {
                throw new HfFormatException(source + ": field '" + name + "' must be a string, found " + n);
            }
            return n.asText();
        }

        boolean bool(String name, boolean fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode n = root.get(name);
            if (!n.isBoolean()) {
                throw new HfFormatException(source + ": field '" + name + "' must be true or false, found " + n);
            }
            return n.asBoolean();
        }

        boolean boolOrMissing(String name, List<String> missing) {
            if (!has(name)) {
                missing.add(name);
                return false;
            }
            return bool(name, false);
        }

        void requireFlag(String name, boolean supported, String what) {
            if (bool(name, supported) != supported) {
                throw new HfFormatException(source + ": " + name + "=" + !supported + " (" + what + ") is not supported");
            }
        }
    }
}
