package dev.wafer.formats.hf;

/**
 * The GELU variant of a GPT-2 config. They differ numerically, and Cerebras-GPT uses the exact one while
 * Hugging Face's GPT-2 default is the tanh one, so the choice must travel with the weights.
 */
public enum Gpt2Activation {
    /** {@code "gelu"}: the exact erf form, used by Cerebras-GPT. */
    GELU("gelu"),
    /** {@code "gelu_new"}: the tanh approximation of original GPT-2 and Hugging Face's GPT2Config default. */
    GELU_NEW("gelu_new");

    private final String hfName;

    Gpt2Activation(String hfName) {
        this.hfName = hfName;
    }

    /** The {@code activation_function} value in {@code config.json}. */
    public String hfName() {
        return hfName;
    }

    /** The variant for a {@code config.json} value, or null when unsupported. */
    static Gpt2Activation fromHf(String name) {
        for (Gpt2Activation a : values()) {
            if (a.hfName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
