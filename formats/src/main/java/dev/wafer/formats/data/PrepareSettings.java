package dev.wafer.formats.data;

import java.util.List;

import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.domain.data.prepare.PreparationSettings;
import dev.wafer.ports.text.Tokenizer;

/**
 * What {@code wafer data prepare} was asked to do, as given on the command line; recorded in the manifest. The
 * part the use case acts on is {@link #preparation()}.
 *
 * @param out               output directory
 * @param tokenizer         tokenizer
 * @param seqLen            tokens per packed sequence
 * @param seed              shuffle seed
 * @param splitSpec         split fractions as given, e.g. {@code 0.98,0.01,0.01}
 * @param splits            split rule
 * @param rules             exclusion rules
 * @param excludedSources   as given, for the manifest
 * @param allowedLicences   as given, for the manifest
 * @param excludedWorks     work names with their shingle counts, for the manifest
 * @param defaultSource     source of documents whose input names none
 * @param defaultLicence    licence of documents whose input names none
 * @param failOnMalformed   stop at the first malformed record instead of skipping it
 * @param threads           tokenisation threads
 * @param sequencesPerShard cap on sequences per shard file
 * @param bucketBytes       target raw input bytes per shuffle bucket
 * @param dedup             duplicate removal ({@code --dedup}, {@code --dedup-threshold})
 */
public record PrepareSettings(java.nio.file.Path out, Tokenizer tokenizer, int seqLen, long seed, String splitSpec,
                              SplitAssigner splits, ProvenanceRules rules, List<String> excludedSources,
                              List<String> allowedLicences, List<String> excludedWorks, String defaultSource,
                              String defaultLicence, boolean failOnMalformed, int threads, long sequencesPerShard,
                              long bucketBytes, DedupSettings dedup) {
    public PrepareSettings {
        java.util.Objects.requireNonNull(dedup, "dedup");
        if (seqLen < 2) {
            throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        excludedSources = List.copyOf(excludedSources);
        allowedLicences = List.copyOf(allowedLicences);
        excludedWorks = List.copyOf(excludedWorks);
    }

    /** Settings without duplicate removal. */
    public PrepareSettings(java.nio.file.Path out, Tokenizer tokenizer, int seqLen, long seed, String splitSpec,
                           SplitAssigner splits, ProvenanceRules rules, List<String> excludedSources,
                           List<String> allowedLicences, List<String> excludedWorks, String defaultSource,
                           String defaultLicence, boolean failOnMalformed, int threads, long sequencesPerShard,
                           long bucketBytes) {
        this(out, tokenizer, seqLen, seed, splitSpec, splits, rules, excludedSources, allowedLicences, excludedWorks,
                defaultSource, defaultLicence, failOnMalformed, threads, sequencesPerShard, bucketBytes,
                DedupSettings.NONE);
    }

    /** The settings of the domain use case. */
    public PreparationSettings preparation() {
        return new PreparationSettings(tokenizer, seqLen, seed, splits, rules, defaultSource, defaultLicence,
                failOnMalformed, threads, sequencesPerShard, bucketBytes, dedup);
    }
}
