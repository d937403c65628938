package dev.wafer.formats.tokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.PreparedDataset;
import dev.wafer.formats.data.Progress;
import dev.wafer.formats.data.SampleDataset;
import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.TrainingData;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.data.TokenSequences;

/**
 * Opens the data a run's {@link dev.wafer.domain.session.DataSpec} names (a prepared dataset, a token file, the
 * embedded sample or synthetic tokens) as the session's {@link TrainingData}, and closes the files afterwards.
 */
public final class TrainingDataFiles implements AutoCloseable {
    private final TrainingData data;
    private final String fingerprint;
    /** Other fingerprints checkpoints recorded for the same data (a dataset's {@code earlierFingerprints}). */
    private final List<String> alsoKnownAs;
    /** The prepared dataset's tokenizer and its tokenizer.json's SHA-256; empty for token files and synthetic data. */
    private final String tokenizer;
    private final String tokenizerSha256;
    private final TokenSequences[] open;

    private TrainingDataFiles(TrainingData data, String fingerprint, TokenSequences... open) {
        this(data, fingerprint, List.of(), "", "", open);
    }

    private TrainingDataFiles(TrainingData data, String fingerprint, List<String> alsoKnownAs, String tokenizer,
                              String tokenizerSha256, TokenSequences... open) {
        this.data = data;
        this.fingerprint = fingerprint;
        this.alsoKnownAs = alsoKnownAs;
        this.tokenizer = tokenizer;
        this.tokenizerSha256 = tokenizerSha256;
        this.open = open;
    }

    /** Data that cannot be opened or does not fit the model; the message names the path and the problem. */
    public static final class DataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DataException(String message) {
            super(message);
        }
    }

    /** The batches for the session. */
    public TrainingData data() {
        return data;
    }

    /** Sequences of the validation split that {@link TrainingData#validation()} reads; 0 when there is none. */
    public long validationSequences() {
        return data.validation().isPresent() && open.length > 1 ? open[1].count() : 0;
    }

    /**
     * Tokens per row of a prepared dataset's train split, of which a run trains on the first {@code --seq} only;
     * 0 for a token file or synthetic tokens, which are cut into sequences of {@code --seq}.
     */
    public int rowLength() {
        return open.length > 0 ? open[0].sequenceLength() : 0;
    }

    /** The tokenizer a prepared dataset was made with (e.g. {@code gpt2-r50k}); empty for token files and synthetic. */
    public String tokenizer() {
        return tokenizer;
    }

    /** The SHA-256 of the tokenizer.json a dataset was prepared with; empty for a built-in tokenizer. */
    public String tokenizerSha256() {
        return tokenizerSha256;
    }

    /** The content fingerprint of the opened data (empty for synthetic tokens, which the seed determines). */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Whether a run that recorded {@code recorded} trained on this data: its {@link #fingerprint()}, or for a prepared
     * dataset the fingerprints earlier builds recorded, which depended on its inputs' paths
     * ({@link dev.wafer.formats.data.DatasetManifest#identifiedBy(String)}).
     */
    public boolean identifiedBy(String recorded) {
        return recorded.equals(fingerprint) || alsoKnownAs.contains(recorded);
    }

    /**
     * Opens the run's data; the training order is seeded with the run's seed.
     *
     * @param sampleProgress progress of preparing the embedded sample on first use
     * @throws DataException naming the path when the data is missing, unreadable or has too large a vocabulary
     */
    public static TrainingDataFiles open(RunSpec spec, Progress sampleProgress) {
        int vocab = spec.shape().vocabSize();
        int seq = spec.seqLength();
        long seed = spec.seed();
        DataKind kind = spec.data().kind();
        if (kind == DataKind.SYNTHETIC) {
            SyntheticTokenSource source = new SyntheticTokenSource(vocab, seed);
            source.sequenceLength(seq);
            return new TrainingDataFiles(new TrainingData(source, Optional.empty(), "synthetic tokens"), "");
        }
        Path path = kind == DataKind.SAMPLE ? null : Path.of(spec.data().path());
        try {
            if (kind == DataKind.SAMPLE) {
                path = SampleDataset.ensure(SampleDataset.defaultCacheRoot(), seq, sampleProgress);
            }
            if (Files.isDirectory(path)) {
                return dataset(path, vocab, seq, seed, kind == DataKind.SAMPLE ? "embedded sample, " : "");
            }
            if (!Files.isRegularFile(path)) {
                throw new DataException(Files.exists(path) ? "--data " + path + ": "
                        + dev.wafer.formats.fileio.FileKinds.whyNotAFile(path)
                        : dev.wafer.formats.data.ManifestJson.killedSwap(path, "--data")
                                .orElse("--data " + path + " does not exist"));
            }
            Optional<String> shard = TokenFiles.shardRefusal(path);
            if (shard.isPresent()) {
                throw new DataException("--data " + shard.get());
            }
            TokenFiles.Kind reads = TokenFiles.kind(path);
            String prepare = "wafer data prepare --input " + path + " --out DIR, then --data DIR";
            if (reads == TokenFiles.Kind.TEXT) {
                // Its bytes would be trained on as token ids; eval tokenises the same file: refused, with the way.
                throw new DataException("--data " + path + " is text, not a raw token file (little-endian uint16"
                        + " token ids; " + String.join(", ", TokenFiles.TOKEN_EXTENSIONS) + "); prepare it first: "
                        + prepare);
            }
            if (reads == TokenFiles.Kind.EITHER) {
                throw new DataException("--data " + TokenFiles.either(path) + "; rename it to .bin to train on its"
                        + " token ids, or if it is text prepare it: " + prepare);
            }
            long size = Files.size(path);
            if (size % 2 == 0 && size / 2 < seq + 1L) {
                // Named as eval names it: --data, "is empty", a --seq that fits (it said "holds 0 tokens").
                throw new DataException(TokenFiles.tooShort(path, size / 2, seq, "sequence", "training"));
            }
            return new TrainingDataFiles(new TrainingData(new TokenFileSource(path, vocab, seq, seed),
                    Optional.empty(), path.toString()), DataFingerprint.ofTokenFile(path));
        } catch (IOException e) {
            if (kind == DataKind.SAMPLE && path == null) {
                // No --data: the embedded sample could not be prepared into the cache (not a read of any --data).
                throw new DataException("cannot prepare the embedded sample corpus in " + SampleDataset
                        .defaultCacheRoot() + " ($WAFER_CACHE, default ~/.cache/wafer): " + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + "; set WAFER_CACHE to a writable directory or pass --data");
            }
            throw new DataException("cannot read --data " + path + ": " + e.getMessage());
        }
    }

    /**
     * The embedded sample as {@link #open} opens it for {@code spec}, when it is already prepared and current under
     * {@code cacheRoot}; empty when opening it would prepare it (the dry run does not).
     *
     * @throws DataException naming the data when the prepared sample cannot be read
     */
    public static Optional<TrainingDataFiles> openPreparedSample(RunSpec spec, Path cacheRoot) {
        try {
            Optional<Path> dir = SampleDataset.prepared(cacheRoot, spec.seqLength());
            if (dir.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(dataset(dir.get(), spec.shape().vocabSize(), spec.seqLength(), spec.seed(),
                    "embedded sample, "));
        } catch (IOException e) {
            throw new DataException("cannot read the embedded sample corpus in " + cacheRoot + ": " + e.getMessage());
        }
    }

    private static TrainingDataFiles dataset(Path dir, int vocab, int seq, long seed, String prefix)
            throws IOException {
        if (!Files.isRegularFile(new DatasetLayout(dir).manifest())) {
            throw new DataException("--data " + dir + " is a directory without " + DatasetLayout.MANIFEST
                    + "; expected a dataset from 'wafer data prepare'");
        }
        // The manifest is verified as 'data stats' verifies it, and each shard against it.
        PreparedDataset dataset = PreparedDataset.open(dir, "--data");
        String fingerprint = dataset.manifest().fingerprint();
        List<String> alsoKnownAs = dataset.manifest().earlierFingerprints();
        ShardedSequences train = dataset.openSplit(Split.TRAIN);
        // A dataset prepared without a validation split (--split 1,0,0) has no val shards: trained on without a
        // validation loss, which the data's description says.
        boolean hasValidation = dataset.manifest().split(Split.VALIDATION).map(e -> !e.shards().isEmpty())
                .orElse(false);
        ShardedSequences val;
        try {
            val = hasValidation ? dataset.openSplit(Split.VALIDATION) : null;
        } catch (IOException | RuntimeException e) {
            train.close();
            throw e;
        }
        if (train.vocabSize() > vocab) {
            train.close();
            closeQuietly(val);
            throw new DataException("dataset " + dir + " has vocabulary " + train.vocabSize()
                    + " but the model's is " + vocab + "; train a new run with --vocab " + train.vocabSize()
                    + " (a resumed run keeps its checkpoint's vocabulary)");
        }
        if (train.count() < 2) {
            train.close();
            closeQuietly(val);
            throw new DataException("dataset " + dir + " has " + train.count()
                    + " training sequences; training needs at least 2");
        }
        if (seq > train.sequenceLength()) {
            int length = train.sequenceLength();
            train.close();
            closeQuietly(val);
            throw new DataException("--seq " + seq + " exceeds the sequence length of dataset " + dir + " ("
                    + length + "); pass --seq " + length + " or less, or prepare the data with --seq-len " + seq
                    + " or more");
        }
        long valCount = val == null ? 0 : val.count();
        Optional<TokenBatchSource> validation = valCount >= 2 ? Optional.of(new SequenceBatchSource(val, 0))
                : Optional.empty();
        return new TrainingDataFiles(new TrainingData(new SequenceBatchSource(train, seed), validation,
                prefix + dir + " (" + train.count() + " train sequences" + (validation.isEmpty()
                        ? "; no validation loss: its validation split holds " + valCount + " sequences, fewer than 2"
                        : "") + ")"), fingerprint, alsoKnownAs, dataset.manifest().settings().tokenizer(),
                dataset.manifest().settings().tokenizerSha256(), val == null ? new TokenSequences[] {train}
                        : new TokenSequences[] {train, val});
    }

    private static void closeQuietly(ShardedSequences s) {
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        for (TokenSequences s : open) {
            s.close();
        }
    }
}
