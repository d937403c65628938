package dev.wafer.conformance.collective;

/**
 * The outcome of one check on one rank, also as one line of text ({@code PASS name} or {@code FAIL name: why}) for
 * ranks that are other processes.
 *
 * @param check   the check's name
 * @param rank    the rank that ran it
 * @param failure why it failed (naming the seed), or {@code null} when it passed
 */
public record Verdict(String check, int rank, String failure) {
    /** Whether the check passed on this rank. */
    public boolean passed() {
        return failure == null;
    }

    /** One line: {@code PASS name} or {@code FAIL name: why} (line breaks of the reason become spaces). */
    public String line() {
        return passed() ? "PASS " + check : "FAIL " + check + ": " + failure.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Reads a {@link #line()} written by {@code rank}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static Verdict parse(int rank, String line) {
        if (line.startsWith("PASS ")) {
            return new Verdict(line.substring(5).strip(), rank, null);
        }
        int colon = line.indexOf(": ");
        if (line.startsWith("FAIL ") && colon > 5) {
            return new Verdict(line.substring(5, colon), rank, line.substring(colon + 2));
        }
        throw new IllegalArgumentException("not a verdict line: " + line);
    }
}
