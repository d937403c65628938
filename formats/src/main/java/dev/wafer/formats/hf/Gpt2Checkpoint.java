package dev.wafer.formats.hf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A GPT-2 model in Hugging Face layout: a config and exactly its tensors, under GPT2LMHeadModel names and shapes
 * (Conv1D weights [in, out]; {@code lm_head.weight} only when the head is untied). Validated on construction.
 *
 * @param config  the config
 * @param tensors tensors by name, in {@link Gpt2Layout#expectedShapes} order
 */
public record Gpt2Checkpoint(Gpt2Config config, Map<String, FloatTensor> tensors) {
    /** Validates names and shapes against the config and fixes the order. */
    public Gpt2Checkpoint {
        Objects.requireNonNull(config, "config");
        Map<String, int[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        if (config.tieWordEmbeddings() && tensors.containsKey(Gpt2Layout.LM_HEAD)) {
            throw new HfFormatException("a tied GPT-2 checkpoint must not carry a separate " + Gpt2Layout.LM_HEAD);
        }
        Gpt2Layout.validate("GPT-2 checkpoint", config, shapes);
        Map<String, FloatTensor> ordered = new LinkedHashMap<>();
        for (String name : Gpt2Layout.expectedShapes(config).keySet()) {
            ordered.put(name, tensors.get(name));
        }
        tensors = Collections.unmodifiableMap(ordered);
    }

    /** The tensor with this name; it exists, because the checkpoint is validated. */
    public FloatTensor tensor(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in this GPT-2 checkpoint");
        }
        return t;
    }

    /** The LM head: {@code lm_head.weight} when untied, else the word embeddings. */
    public FloatTensor lmHead() {
        return config.tieWordEmbeddings() ? tensor(Gpt2Layout.WTE) : tensor(Gpt2Layout.LM_HEAD);
    }
}
