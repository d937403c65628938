package dev.wafer.domain.data.prepare;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.ExclusionRule;

/**
 * What a preparation counted of the documents it excluded; the documents themselves went to the store's exclusion
 * list as they were excluded, so memory holds one group per rule and source or licence, not one entry per document.
 *
 * @param count  documents excluded
 * @param byRule documents excluded per rule, in rule order (rules that excluded nothing absent)
 * @param groups per rule and source ({@code source}) or licence ({@code licence}), or per rule ({@code work}): the
 *               first document excluded and how many were, in the order each group was first seen
 */
public record ExclusionTally(long count, Map<ExclusionRule, Long> byRule, List<Group> groups) {
    /** No exclusions. */
    public static final ExclusionTally NONE = new ExclusionTally(0, Map.of(), List.of());

    /** Copies the map and list. */
    public ExclusionTally {
        EnumMap<ExclusionRule, Long> ordered = new EnumMap<>(ExclusionRule.class);
        ordered.putAll(byRule);
        byRule = java.util.Collections.unmodifiableMap(ordered);
        groups = List.copyOf(groups);
    }

    /**
     * Documents one rule excluded for one reason.
     *
     * @param first the first document it excluded, in input order
     * @param count how many it excluded
     */
    public record Group(Exclusion first, long count) {
    }

    /** The first document of each group, e.g. to tell which excluded sources matched a document. */
    public List<Exclusion> firsts() {
        return groups.stream().map(Group::first).toList();
    }

    /** Counts exclusions as they come. */
    static final class Builder {
        private long count;
        private final Map<ExclusionRule, Long> byRule = new EnumMap<>(ExclusionRule.class);
        private final Map<List<String>, Exclusion> firsts = new LinkedHashMap<>();
        private final Map<List<String>, Long> counts = new LinkedHashMap<>();

        void add(Exclusion e) {
            count++;
            byRule.merge(e.rule(), 1L, Long::sum);
            // Keyed as NothingKeptMessage reports them: a source or licence is named, a work is not.
            String name = switch (e.rule()) {
                case SOURCE -> e.provenance().source();
                case LICENCE -> e.provenance().licence();
                case WORK -> "";
            };
            List<String> key = List.of(e.rule().name(), name);
            firsts.putIfAbsent(key, e);
            counts.merge(key, 1L, Long::sum);
        }

        ExclusionTally build() {
            List<Group> groups = new ArrayList<>();
            firsts.forEach((k, e) -> groups.add(new Group(e, counts.get(k))));
            return new ExclusionTally(count, byRule, groups);
        }
    }
}
