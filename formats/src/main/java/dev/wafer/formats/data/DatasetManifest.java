package dev.wafer.formats.data;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wafer.domain.data.Split;

/**
 * A verified {@code manifest.json}, typed: what every reader of a prepared dataset uses, read in one place
 * ({@link ManifestJson#read(java.nio.file.Path, String)}). The exclusions and malformed records stay in the file
 * for people to read; no command acts on them.
 *
 * @param settings    what preparation was asked to do
 * @param splits      per split, in the manifest's order
 * @param files       size and CRC-32C of {@code documents.jsonl} and the audit index, by file name
 * @param summary     per-source table and totals
 * @param fingerprint the data's identity for checkpoints ({@link DatasetIdentity}): a digest of the manifest
 *                    without what says when or from which files it was made (the preparation's duration, the inputs'
 *                    names and SHA-256, and the files that record where documents came from or index them), so the
 *                    same tokens prepared by any build, from any spelling or place of the corpus, have the same
 *                    fingerprint
 * @param inputs      the input files as data prepare read them, in its order
 * @param earlierFingerprints the digests earlier builds recorded for the same manifest, which still name this data:
 *                    builds before 2026-12-07 the compact manifest without its wall-clock field, those of 2026-12-07
 *                    the same with the inputs' SHA-256 (both depend on the inputs' paths)
 */
public record DatasetManifest(Settings settings, Map<Split, SplitEntry> splits, Map<String, FileEntry> files,
                              Summary summary, String fingerprint, List<Input> inputs,
                              List<String> earlierFingerprints) {
    public DatasetManifest {
        splits = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(splits));
        files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
        inputs = List.copyOf(inputs);
        earlierFingerprints = List.copyOf(earlierFingerprints);
    }

    /**
     * Whether this is the data a checkpoint (or a search log) that recorded {@code recorded} was made on: its
     * {@link #fingerprint()}, or one of the {@link #earlierFingerprints()} earlier builds recorded instead.
     */
    public boolean identifiedBy(String recorded) {
        return recorded.equals(fingerprint) || earlierFingerprints.contains(recorded);
    }

    /**
     * One input of the preparation.
     *
     * @param name   the path as given ({@code embedded:sample.jsonl.zst} for the embedded corpus)
     * @param bytes  its stored size (-1 where unknown)
     * @param sha256 the SHA-256 of its stored bytes as read, lowercase hex; empty in manifests written before
     *               2026-12-07, which did not record it
     */
    public record Input(String name, long bytes, String sha256) {
    }

    /**
     * The {@code settings} object.
     *
     * @param tokenizer       tokenizer name
     * @param vocabSize       its vocabulary size
     * @param endOfText       its end-of-text token id
     * @param seqLen          tokens per packed sequence
     * @param seed            shuffle seed
     * @param split           split fractions as given
     * @param defaultSource   source of documents whose input names none
     * @param defaultLicence  licence of documents whose input names none
     * @param onMalformed     {@code skip} or {@code fail}
     * @param shuffleBuckets  buckets the shuffle used
     * @param excludeSources  excluded sources as given
     * @param allowLicences   allowed licences as given
     * @param excludeWorks    excluded works with their shingle counts
     * @param dedup           duplicate removal ({@link Dedup#NONE} when the manifest has no {@code settings.dedup})
     * @param tokenizerSha256 the SHA-256 of the tokenizer.json it was prepared with; empty for a built-in tokenizer
     *                        and for manifests written before it was recorded
     */
    public record Settings(String tokenizer, int vocabSize, int endOfText, int seqLen, long seed, String split,
                           String defaultSource, String defaultLicence, String onMalformed, int shuffleBuckets,
                           List<String> excludeSources, List<String> allowLicences, List<String> excludeWorks,
                           Dedup dedup, String tokenizerSha256) {
        public Settings {
            excludeSources = List.copyOf(excludeSources);
            allowLicences = List.copyOf(allowLicences);
            excludeWorks = List.copyOf(excludeWorks);
        }
    }

    /**
     * The {@code settings.dedup} object.
     *
     * @param mode         {@code none}, {@code exact} or {@code near}
     * @param threshold    the near-duplicate Jaccard threshold
     * @param shingleWords words per MinHash shingle
     * @param permutations min-hashes per signature
     * @param bands        LSH bands
     * @param rows         min-hashes per band
     */
    public record Dedup(String mode, double threshold, int shingleWords, int permutations, int bands, int rows) {
        /** No deduplication (the manifest has no {@code settings.dedup}). */
        public static final Dedup NONE = new Dedup("none", 0, 0, 0, 0, 0);
    }

    /** One split's totals and shard files, in shard order. */
    public record SplitEntry(long documents, long tokens, long sequences, long droppedTailTokens, List<Shard> shards) {
        public SplitEntry {
            shards = List.copyOf(shards);
        }
    }

    /** One shard file: name, sequence count, size and payload CRC-32 (8 hex digits). */
    public record Shard(String file, long sequences, long bytes, String crc32) {
    }

    /** A listed file's size and CRC-32C (8 hex digits). */
    public record FileEntry(long bytes, String crc32c) {
    }

    /** The {@code summary} object: totals and one row per source ({@code duplicates}: removed by deduplication). */
    public record Summary(long documents, long tokens, long excluded, long malformed, long duplicates,
                          List<SourceRow> sources) {
        public Summary {
            sources = List.copyOf(sources);
        }
    }

    /** One source's documents, tokens, share of the tokens, excluded documents and removed duplicates. */
    public record SourceRow(String source, long documents, long tokens, double share, long excluded,
                            long duplicates) {
    }

    /** Whether the dataset was deduplicated (it then has {@code duplicates.jsonl}). */
    public boolean deduplicated() {
        return !settings.dedup().mode().equals("none");
    }

    /** The split's entry, if the manifest lists it. */
    public Optional<SplitEntry> split(Split split) {
        return Optional.ofNullable(splits.get(split));
    }

    /** A listed file's entry; {@link ManifestCheck} made sure the documents and audit index are listed. */
    public FileEntry file(String name) {
        FileEntry f = files.get(name);
        if (f == null) {
            throw new IllegalArgumentException(name + " is not listed in " + DatasetLayout.MANIFEST);
        }
        return f;
    }
}
