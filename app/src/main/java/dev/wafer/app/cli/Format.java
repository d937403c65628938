package dev.wafer.app.cli;

import java.util.Locale;

/** Number formats shared by the CLI's tables. */
final class Format {
    private Format() {
    }

    /** Scientific notation with three significant figures: 2.62e+18, 6.00e-04. */
    static String sci(double x) {
        return String.format(Locale.ROOT, "%.2e", x);
    }

    /** A count with SI suffix: 111.1M, 26.3B. */
    static String si(double x) {
        double a = Math.abs(x);
        if (a >= 1e12) {
            return String.format(Locale.ROOT, "%.2fT", x / 1e12);
        }
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2fB", x / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", x / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.1fK", x / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", x);
    }

    /** A fixed number of decimals. */
    static String fixed(double x, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    /** A byte count in binary units: 1.8 GiB, 512.0 MiB. */
    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}
