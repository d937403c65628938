package dev.wafer.formats.hf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterName;

/**
 * The GPT2LMHeadModel tensor names and shapes for a config (reference-facts 2.3), the one table between Wafer's
 * {@link ParameterName}s and those names, and the checks that a set of tensors matches them. Conv1D weights are
 * [in, out], the transpose of nn.Linear.
 */
public final class Gpt2Layout {
    /** Name of the optional LM head; present only when the head is not tied to {@code transformer.wte.weight}. */
    public static final String LM_HEAD = "lm_head.weight";
    /** The token embedding, Wafer's {@link ParameterName#WTE}. */
    public static final String WTE = "transformer.wte.weight";
    /** The position embedding, Wafer's {@link ParameterName#WPE}. */
    public static final String WPE = "transformer.wpe.weight";
    private static final String PREFIX = "transformer.";
    /**
     * Where each Wafer parameter lives in GPT2LMHeadModel: the full name of a tensor outside the blocks, the name
     * after {@link #block} of a per-layer one. Every other GPT-2 name below is derived from this table.
     */
    private static final Map<ParameterName, HfName> NAMES = new EnumMap<>(Map.ofEntries(
            Map.entry(ParameterName.WTE, new HfName(WTE, false)),
            Map.entry(ParameterName.WPE, new HfName(WPE, false)),
            Map.entry(ParameterName.LN1_WEIGHT, new HfName("ln_1.weight", false)),
            Map.entry(ParameterName.LN1_BIAS, new HfName("ln_1.bias", false)),
            Map.entry(ParameterName.QKV_WEIGHT, new HfName("attn.c_attn.weight", true)),
            Map.entry(ParameterName.QKV_BIAS, new HfName("attn.c_attn.bias", false)),
            Map.entry(ParameterName.ATTN_PROJ_WEIGHT, new HfName("attn.c_proj.weight", true)),
            Map.entry(ParameterName.ATTN_PROJ_BIAS, new HfName("attn.c_proj.bias", false)),
            Map.entry(ParameterName.LN2_WEIGHT, new HfName("ln_2.weight", false)),
            Map.entry(ParameterName.LN2_BIAS, new HfName("ln_2.bias", false)),
            Map.entry(ParameterName.FC_WEIGHT, new HfName("mlp.c_fc.weight", true)),
            Map.entry(ParameterName.FC_BIAS, new HfName("mlp.c_fc.bias", false)),
            Map.entry(ParameterName.FC_PROJ_WEIGHT, new HfName("mlp.c_proj.weight", true)),
            Map.entry(ParameterName.FC_PROJ_BIAS, new HfName("mlp.c_proj.bias", false)),
            Map.entry(ParameterName.LNF_WEIGHT, new HfName(PREFIX + "ln_f.weight", false)),
            Map.entry(ParameterName.LNF_BIAS, new HfName(PREFIX + "ln_f.bias", false))));
    /** Causal-mask buffers older transformers versions saved with the weights; they are not parameters. */
    private static final Pattern BUFFER = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final int MAX_LISTED = 5;

    private Gpt2Layout() {
    }

    /** Every parameter tensor a model with this config has, in a canonical order, with its shape. */
    public static Map<String, int[]> expectedShapes(Gpt2Config c) {
        ModelShape shape = modelShape(c);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Slot s : slots(c.nLayer())) {
            shapes.put(s.hfName(), hfShape(s.parameter(), shape));
        }
        if (!c.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new int[] {c.vocabSize(), c.nEmbd()});
        }
        return shapes;
    }

    /** The Wafer model shape of a config (a valid config always has one). */
    public static ModelShape modelShape(Gpt2Config c) {
        return ModelShape.withHeads(c.vocabSize(), c.nPositions(), c.nLayer(), c.nHead(), c.nEmbd(), c.nInner());
    }

    /**
     * One GPT-2 tensor and the Wafer parameter it holds.
     *
     * @param parameter the Wafer tensor
     * @param layer     the block of a {@linkplain ParameterName#stacked() per-layer} tensor, else 0
     * @param hfName    the GPT2LMHeadModel name
     */
    public record Slot(ParameterName parameter, int layer, String hfName) {
    }

    /**
     * Every GPT-2 parameter tensor of a model with {@code nLayers} blocks, in the canonical order: the tensors before
     * the blocks, each block's tensors in turn, the tensors after (GPT-2 keeps blocks whole; Wafer stacks each
     * tensor over the blocks).
     */
    public static List<Slot> slots(int nLayers) {
        List<Slot> out = new ArrayList<>();
        boolean blocksDone = false;
        for (ParameterName p : ParameterName.values()) {
            if (!p.stacked()) {
                out.add(new Slot(p, 0, hfName(p)));
            } else if (!blocksDone) {
                for (int l = 0; l < nLayers; l++) {
                    for (ParameterName q : ParameterName.stackedNames()) {
                        out.add(new Slot(q, l, hfName(q, l)));
                    }
                }
                blocksDone = true;
            }
        }
        return out;
    }

    /**
     * The GPT-2 name of a tensor outside the blocks, e.g. {@code transformer.ln_f.weight}.
     *
     * @throws IllegalArgumentException if {@code p} is per-layer
     */
    public static String hfName(ParameterName p) {
        if (p.stacked()) {
            throw new IllegalArgumentException(p.id() + " is per-layer: name it with its block");
        }
        return NAMES.get(p).name();
    }

    /**
     * The GPT-2 name of block {@code layer}'s slice of a per-layer tensor, e.g.
     * {@code transformer.h.3.attn.c_attn.weight}.
     *
     * @throws IllegalArgumentException if {@code p} is not per-layer
     */
    public static String hfName(ParameterName p, int layer) {
        if (!p.stacked()) {
            throw new IllegalArgumentException(p.id() + " is not per-layer");
        }
        return block(layer) + NAMES.get(p).name();
    }

    /** Whether GPT-2 stores {@code p} as a Conv1D weight, [in, out]: the transpose of Wafer's nn.Linear [out, in]. */
    public static boolean isConv1d(ParameterName p) {
        return NAMES.get(p).conv1d();
    }

    /** The shape of the GPT-2 tensor holding {@code p} (one block's slice when per-layer). */
    public static int[] hfShape(ParameterName p, ModelShape shape) {
        int[] s = p.layerShape(shape);
        return isConv1d(p) ? new int[] {s[1], s[0]} : s;
    }

    /** The name prefix of block {@code i}, e.g. {@code transformer.h.3.}. */
    public static String block(int i) {
        return PREFIX + "h." + i + ".";
    }

    /** Whether a file tensor is one of the causal-mask buffers that are skipped on import. */
    public static boolean isIgnoredBuffer(String name) {
        return BUFFER.matcher(name).matches();
    }

    /**
     * The GPT2LMHeadModel name for a file tensor: a GPT2Model state dict (as the 13B's {@code architectures} says)
     * lacks the {@code transformer.} prefix.
     */
    public static String canonicalName(String name) {
        if (name.startsWith(PREFIX) || name.equals(LM_HEAD)) {
            return name;
        }
        if (name.startsWith("wte.") || name.startsWith("wpe.") || name.startsWith("h.") || name.startsWith("ln_f.")) {
            return PREFIX + name;
        }
        return name;
    }

    /**
     * Checks that {@code actual} holds exactly the tensors of {@code config} with the right shapes; {@code lm_head}
     * is tolerated in a tied model (the caller checks it equals the embeddings).
     *
     * @param source names the file in the message
     * @throws HfFormatException listing missing, unexpected and mis-shaped tensors by name
     */
    public static void validate(String source, Gpt2Config config, Map<String, int[]> actual) {
        checkBlockCount(source, config, actual);
        Map<String, int[]> expected = expectedShapes(config);
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            int[] got = actual.get(e.getKey());
            if (got == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(got, e.getValue())) {
                wrongShape.add("'" + e.getKey() + "' has shape " + Arrays.toString(got) + ", expected "
                        + Arrays.toString(e.getValue()) + hint(got, e.getValue()));
            }
        }
        for (Map.Entry<String, int[]> e : actual.entrySet()) {
            boolean tiedHead = e.getKey().equals(LM_HEAD) && config.tieWordEmbeddings();
            if (!expected.containsKey(e.getKey()) && !tiedHead) {
                unexpected.add(PrintableText.of(e.getKey())); // a crafted name must not reach the terminal raw
            } else if (tiedHead && !Arrays.equals(e.getValue(), new int[] {config.vocabSize(), config.nEmbd()})) {
                wrongShape.add("'" + LM_HEAD + "' has shape " + Arrays.toString(e.getValue()) + ", expected "
                        + Arrays.toString(new int[] {config.vocabSize(), config.nEmbd()}));
            }
        }
        List<String> problems = new ArrayList<>();
        if (!wrongShape.isEmpty()) {
            problems.add("wrong shape: " + listed(wrongShape));
        }
        if (!missing.isEmpty()) {
            problems.add("missing tensors: " + listed(missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected tensors (not GPT-2 for this config): " + listed(unexpected));
        }
        if (!problems.isEmpty()) {
            throw new HfFormatException(source + ": tensors do not match the GPT-2 config (n_embd=" + config.nEmbd()
                    + ", n_layer=" + config.nLayer() + ", n_inner=" + config.nInner() + ", vocab_size=" + config.vocabSize()
                    + ", n_positions=" + config.nPositions() + ", tie_word_embeddings=" + config.tieWordEmbeddings() + "); "
                    + String.join("; ", problems));
        }
    }

    /**
     * Refuses a config whose n_layer runs past the file's last block before the expected names are listed: a
     * mistaken n_layer of ten million used to build 160 million names (minutes, 15 GB) to say they were missing.
     */
    private static void checkBlockCount(String source, Gpt2Config config, Map<String, int[]> actual) {
        Pattern index = Pattern.compile(Pattern.quote(PREFIX) + "h\\.(\\d{1,9})\\..*");
        long blocks = 0; // one past the highest block index in the file
        for (String name : actual.keySet()) {
            var m = index.matcher(name);
            if (m.matches()) {
                blocks = Math.max(blocks, Long.parseLong(m.group(1)) + 1);
            }
        }
        if (config.nLayer() > blocks + MAX_LISTED) {
            throw new HfFormatException(source + ": tensors do not match the GPT-2 config: n_layer is "
                    + config.nLayer() + " but the file holds " + (blocks == 0 ? "no blocks"
                    : "blocks 0 to " + (blocks - 1) + " (" + block((int) blocks) + "* onwards are missing)")
                    + "; check n_layer in config.json");
        }
    }

    private static String hint(int[] got, int[] expected) {
        if (got.length == 2 && expected.length == 2 && got[0] == expected[1] && got[1] == expected[0]) {
            return " (transposed: Hugging Face Conv1D weights are stored [in, out], not nn.Linear's [out, in])";
        }
        return "";
    }

    /** A GPT-2 name (relative to the block for a per-layer tensor) and whether the tensor is a Conv1D weight. */
    private record HfName(String name, boolean conv1d) {
    }

    private static String listed(List<String> items) {
        if (items.size() <= MAX_LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_LISTED)) + " and " + (items.size() - MAX_LISTED) + " more";
    }
}
