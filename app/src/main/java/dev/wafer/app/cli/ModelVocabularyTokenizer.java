package dev.wafer.app.cli;

import dev.wafer.ports.text.Tokenizer;

/**
 * A tokenizer limited to a model's vocabulary: text that encodes to an id the model has no embedding for is the
 * user's mismatch (a GPT-2 task file against a small-vocabulary model), so it fails as a one-line {@link UserError}
 * instead of an index error deep inside the model.
 */
final class ModelVocabularyTokenizer implements Tokenizer {
    private final Tokenizer tokenizer;
    private final int modelVocab;

    ModelVocabularyTokenizer(Tokenizer tokenizer, int modelVocab) {
        this.tokenizer = tokenizer;
        this.modelVocab = modelVocab;
    }

    @Override
    public String name() {
        return tokenizer.name();
    }

    @Override
    public int vocabSize() {
        return Math.min(tokenizer.vocabSize(), modelVocab);
    }

    @Override
    public int endOfTextId() {
        return tokenizer.endOfTextId();
    }

    @Override
    public int[] encode(String text) {
        int[] ids = tokenizer.encode(text);
        for (int id : ids) {
            if (id >= modelVocab) {
                throw new UserError("task text encodes to GPT-2 token " + id + ", outside the"
                        + " model's vocabulary of " + modelVocab + "; downstream tasks need a GPT-2-vocabulary model");
            }
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }
}
