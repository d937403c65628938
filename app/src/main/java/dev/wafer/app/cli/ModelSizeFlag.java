package dev.wafer.app.cli;

import java.util.Locale;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.study.StudyModels;

/**
 * A study model's size on the command line, {@code WIDTHxLAYERS} such as {@code 64x2}. Parsed and checked before the
 * study opens its data, so a typo fails at once; the shape itself waits for the data's vocabulary.
 *
 * @param width  d_model, a positive multiple of the head width
 * @param layers decoder blocks, at least one
 */
record ModelSizeFlag(int width, int layers) {
    /**
     * @param flag the flag that gave {@code text}, named in errors
     * @param dHead the --d-head the width must be a multiple of (positive)
     */
    static ModelSizeFlag parse(String flag, String text, int dHead) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
        int width;
        int layers;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            width = Integer.parseInt(parts[0]);
            layers = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new UserError(flag + ": expected WIDTHxLAYERS such as 64x2, found '" + text + "'");
        }
        if (layers < 1) {
            throw new UserError(flag + ": " + text + " needs at least one layer");
        }
        if (width > RunRecipe.MAX_SIZE) {
            throw new UserError(flag + ": " + text + ": width must be in [1, " + RunRecipe.MAX_SIZE + "], found "
                    + width);
        }
        if (layers > 1 << 20) { // as the width: keeps the parameter count (about 12 L d^2) countable
            throw new UserError(flag + ": " + text + ": layers must be in [1, " + (1 << 20) + "], found " + layers);
        }
        if (width < dHead || width % dHead != 0) {
            throw new UserError(flag + ": " + text + ": width " + width + " is not a positive multiple of --d-head "
                    + dHead);
        }
        return new ModelSizeFlag(width, layers);
    }

    /** The study model of this size. */
    ModelShape shape(int dHead, int vocab, int seq) {
        return StudyModels.shape(width, layers, dHead, vocab, seq);
    }
}
