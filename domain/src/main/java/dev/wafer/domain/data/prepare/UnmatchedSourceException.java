package dev.wafer.domain.data.prepare;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An excluded source matched no document and is no Pile source: most likely a misspelt name, which would otherwise
 * let the source it meant into the training data. Thrown after reading and before anything is packed, so nothing is
 * written.
 */
public final class UnmatchedSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The excluded sources that matched nothing, as given. */
    private final List<String> names;
    /** The input's sources, where known. */
    private final Set<String> seen;

    /**
     * Carries the names and the input's sources for the message.
     *
     * @param names the excluded sources that matched nothing, as given
     * @param seen  the sources the input's documents had, where known (empty when not)
     */
    public UnmatchedSourceException(List<String> names, Set<String> seen) {
        super("excluded sources matched no document: " + names);
        this.names = List.copyOf(names);
        this.seen = new TreeSet<>(seen);
    }

    /** The excluded sources that matched nothing, as given. */
    public List<String> names() {
        return names;
    }

    /** The sources of the input's documents, sorted; empty when they are not known here. */
    public Set<String> seen() {
        return seen;
    }
}
