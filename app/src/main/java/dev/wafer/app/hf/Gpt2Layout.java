package dev.wafer.app.hf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The GPT2LMHeadModel tensor names and shapes for a config (reference-facts 2.3), and the checks that a set of
 * tensors matches them. Conv1D weights are [in, out], the transpose of nn.Linear.
 */
public final class Gpt2Layout {
    /** Name of the optional LM head; present only when the head is not tied to {@code transformer.wte.weight}. */
    public static final String LM_HEAD = "lm_head.weight";
    public static final String WTE = "transformer.wte.weight";
    public static final String WPE = "transformer.wpe.weight";
    private static final String PREFIX = "transformer.";
    /** Causal-mask buffers older transformers versions saved with the weights; they are not parameters. */
    private static final Pattern BUFFER = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final int MAX_LISTED = 5;

    private Gpt2Layout() {
    }

    /** Every parameter tensor a model with this config has, in a canonical order, with its shape. */
    public static Map<String, int[]> expectedShapes(Gpt2Config c) {
        int d = c.nEmbd();
        int f = c.nInner();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(WTE, new int[] {c.vocabSize(), d});
        shapes.put(WPE, new int[] {c.nPositions(), d});
        for (int i = 0; i < c.nLayer(); i++) {
            String h = block(i);
            shapes.put(h + "ln_1.weight", new int[] {d});
            shapes.put(h + "ln_1.bias", new int[] {d});
            shapes.put(h + "attn.c_attn.weight", new int[] {d, 3 * d});
            shapes.put(h + "attn.c_attn.bias", new int[] {3 * d});
            shapes.put(h + "attn.c_proj.weight", new int[] {d, d});
            shapes.put(h + "attn.c_proj.bias", new int[] {d});
            shapes.put(h + "ln_2.weight", new int[] {d});
            shapes.put(h + "ln_2.bias", new int[] {d});
            shapes.put(h + "mlp.c_fc.weight", new int[] {d, f});
            shapes.put(h + "mlp.c_fc.bias", new int[] {f});
            shapes.put(h + "mlp.c_proj.weight", new int[] {f, d});
            shapes.put(h + "mlp.c_proj.bias", new int[] {d});
        }
        shapes.put("transformer.ln_f.weight", new int[] {d});
        shapes.put("transformer.ln_f.bias", new int[] {d});
        if (!c.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new int[] {c.vocabSize(), d});
        }
        return shapes;
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
                unexpected.add(e.getKey());
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

    private static String hint(int[] got, int[] expected) {
        if (got.length == 2 && expected.length == 2 && got[0] == expected[1] && got[1] == expected[0]) {
            return " (transposed: Hugging Face Conv1D weights are stored [in, out], not nn.Linear's [out, in])";
        }
        return "";
    }

    private static String listed(List<String> items) {
        if (items.size() <= MAX_LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_LISTED)) + " and " + (items.size() - MAX_LISTED) + " more";
    }
}
