package dev.wafer.app.cli;

import java.util.Locale;

/** The shape of {@code bench --gemm}: {@code SIZE} (a square product) or {@code MxNxK}. */
final class GemmShape {
    private GemmShape() {
    }

    /** {@code {m, n, k}}, each positive, or a {@link UserError} naming the flag and what it found. */
    static int[] parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length != 1 && parts.length != 3) {
            throw invalid(text);
        }
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (sizes[i] < 1) {
                throw new UserError("--gemm sizes must be positive (found '" + text + "')");
            }
        }
        return sizes.length == 1 ? new int[] {sizes[0], sizes[0], sizes[0]} : sizes;
    }

    private static UserError invalid(String text) {
        return new UserError("--gemm expects SIZE or MxNxK, e.g. 1024 or 1x3072x768 (found '" + text + "')");
    }
}
