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

    /** Four significant figures without trailing zeros: 0.08, 0.0006, 6e-05 (for 5.9999999999999995e-05), 10. */
    static String compact(double x) {
        String s = String.format(Locale.ROOT, "%.4g", x);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }

    /** Seconds as the largest unit that reads well: 41 s, 12.5 min, 3.2 h, 70.6 days. */
    static String duration(double seconds) {
        if (seconds < 120) {
            return fixed(seconds, 0) + " s";
        }
        if (seconds < 2 * 3600) {
            return fixed(seconds / 60, 1) + " min";
        }
        if (seconds < 2 * 86400) {
            return fixed(seconds / 3600, 1) + " h";
        }
        return fixed(seconds / 86400, 1) + " days";
    }
}
