package dev.wafer.domain.data.prepare;

import java.util.Objects;

import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.ports.text.Tokenizer;

/**
 * What a preparation does with its documents.
 *
 * @param tokenizer         tokenizer (called from several threads)
 * @param sequenceLength    tokens per packed sequence, at least 2
 * @param seed              shuffle seed
 * @param splits            split rule
 * @param rules             exclusion rules, applied before tokenisation
 * @param defaultSource     source of documents whose input names none
 * @param defaultLicence    licence of documents whose input names none
 * @param failOnMalformed   stop at the first malformed record instead of counting and skipping it
 * @param threads           worker threads for document processing, at least 1
 * @param sequencesPerShard cap on sequences per shard, at least 1
 * @param bucketBytes       target stored input bytes per shuffle bucket, at least 1
 * @param dedup             duplicate removal ({@link DedupSettings#NONE}: none)
 */
public record PreparationSettings(Tokenizer tokenizer, int sequenceLength, long seed, SplitAssigner splits,
                                  ProvenanceRules rules, String defaultSource, String defaultLicence,
                                  boolean failOnMalformed, int threads, long sequencesPerShard, long bucketBytes,
                                  DedupSettings dedup) {
    /**
     * Checks that the dedup settings, tokenizer, splits, rules and defaults are present, the sequence length at least
     * 2, and the threads, sequences per shard and bucket bytes at least 1.
     */
    public PreparationSettings {
        Objects.requireNonNull(dedup, "dedup");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(splits, "splits");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(defaultSource, "defaultSource");
        Objects.requireNonNull(defaultLicence, "defaultLicence");
        if (sequenceLength < 2) {
            throw new IllegalArgumentException("sequence length must be at least 2, got " + sequenceLength);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (sequencesPerShard < 1) {
            throw new IllegalArgumentException("sequences per shard must be at least 1, got " + sequencesPerShard);
        }
        if (bucketBytes < 1) {
            throw new IllegalArgumentException("bucket bytes must be at least 1, got " + bucketBytes);
        }
    }

    /** Settings without duplicate removal. */
    public PreparationSettings(Tokenizer tokenizer, int sequenceLength, long seed, SplitAssigner splits,
                               ProvenanceRules rules, String defaultSource, String defaultLicence,
                               boolean failOnMalformed, int threads, long sequencesPerShard, long bucketBytes) {
        this(tokenizer, sequenceLength, seed, splits, rules, defaultSource, defaultLicence, failOnMalformed, threads,
                sequencesPerShard, bucketBytes, DedupSettings.NONE);
    }
}
