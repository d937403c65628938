package dev.wafer.domain.eval.harness;

import dev.wafer.domain.eval.LambadaDoc;

/** lambada.py {@code LambadaOpenAI}: context {@code text.rsplit(" ", 1)[0]}, target {@code " " + last word}. */
public final class LambadaOpenAi {
    private LambadaOpenAi() {
    }

    /** The document of one passage ({@code doc_to_text}/{@code doc_to_target} are in {@link LambadaDoc}). */
    public static LambadaDoc doc(String text) {
        return new LambadaDoc(text);
    }
}
