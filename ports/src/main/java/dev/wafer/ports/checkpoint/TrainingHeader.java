package dev.wafer.ports.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * The run state of a training checkpoint: how the run is defined (schedule, batching, optimizer, data, seed,
 * precision) and where it stands (position). Enumerations travel as their lower-case ids so that the port needs
 * nothing from the domain; the domain rejects an unknown id when it reads the header.
 *
 * @param schedule      learning rate and batch size over tokens
 * @param seqLength     tokens per training sequence
 * @param microBatch    sequences per micro-batch (gradient accumulation splits each batch into micro-batches)
 * @param optimizer     AdamW hyper-parameters
 * @param position      progress of the run when it was saved
 * @param data          what the run trains on
 * @param seed          seed of initialisation and data order
 * @param precision     numeric precision of the run ({@code fp32}, {@code bf16} or {@code fp16})
 * @param skipNonFinite whether steps with a non-finite loss or gradient are skipped instead of stopping the run
 * @param fp32AttentionGrads whether a 16-bit run keeps the attention-softmax gradient and the QKV projection's
 *                      backward in float32
 */
public record TrainingHeader(Schedule schedule, int seqLength, int microBatch, Optimizer optimizer, Position position,
        Data data, long seed, String precision, boolean skipNonFinite, boolean fp32AttentionGrads) {
    /** A header of a run without {@code fp32AttentionGrads}. */
    public TrainingHeader(Schedule schedule, int seqLength, int microBatch, Optimizer optimizer, Position position,
            Data data, long seed, String precision, boolean skipNonFinite) {
        this(schedule, seqLength, microBatch, optimizer, position, data, seed, precision, skipNonFinite, false);
    }

    /** Rejects missing parts. */
    public TrainingHeader {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(precision, "precision");
    }

    /**
     * Learning rate over tokens trained (linear warm-up, then decay) and batch size over tokens trained.
     *
     * @param peakLr       learning rate at the end of warm-up
     * @param endLr        learning rate at the end of decay
     * @param warmupTokens tokens of warm-up
     * @param decayTokens  tokens of decay
     * @param decayType    {@code linear} or {@code cosine}
     * @param totalTokens  tokens of the whole run
     * @param batchPhases  batch sizes in force from given token counts, the first from token 0
     */
    public record Schedule(double peakLr, double endLr, double warmupTokens, double decayTokens, String decayType,
            double totalTokens, List<BatchPhase> batchPhases) {
        /** Copies the phase list. */
        public Schedule {
            Objects.requireNonNull(decayType, "decayType");
            batchPhases = List.copyOf(batchPhases);
        }
    }

    /**
     * A batch size in force from a token count on.
     *
     * @param startTokens tokens trained before the phase begins
     * @param sequences   sequences per optimizer step
     */
    public record BatchPhase(double startTokens, int sequences) {
    }

    /**
     * AdamW hyper-parameters.
     *
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param eps         epsilon
     * @param weightDecay decoupled weight decay
     * @param maxGradNorm global-norm clipping threshold (non-positive: none)
     */
    public record Optimizer(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
    }

    /**
     * Where the run stands.
     *
     * @param step         optimizer steps done (taken or skipped)
     * @param tokens       tokens trained
     * @param adamSteps    updates AdamW has applied (its bias correction depends on them)
     * @param dataPosition sequences drawn from the training data
     * @param lossScale    the dynamic loss scale of an fp16 run (1 otherwise)
     * @param scalerGrowthTracker consecutive finite steps the loss scaler has counted towards its next growth
     */
    public record Position(long step, long tokens, long adamSteps, long dataPosition, double lossScale,
            long scalerGrowthTracker) {
        /** A position of a run without loss scaling. */
        public Position(long step, long tokens, long adamSteps, long dataPosition) {
            this(step, tokens, adamSteps, dataPosition, 1.0, 0);
        }
    }

    /**
     * What the run trains on.
     *
     * @param kind        {@code dataset}, {@code tokens}, {@code sample} or {@code synthetic}
     * @param path        the dataset directory or token file; empty for the sample and synthetic data
     * @param fingerprint identifies the data's content, so a resume on other data is refused; empty when unknown
     *                    (checkpoints written before fingerprints existed)
     * @param tokenizer       the tokenizer the data was prepared with (e.g. {@code gpt2-r50k}, {@code bytes-utf8}), so
     *                        that the checkpoint alone says how its ids read as text; empty when unknown (token files,
     *                        synthetic data, checkpoints written before 2026-12-07)
     * @param tokenizerSha256 the SHA-256 of the {@code tokenizer.json} it was prepared with; empty for a built-in one
     */
    public record Data(String kind, String path, String fingerprint, String tokenizer, String tokenizerSha256) {
        /** Rejects a missing component; all but the kind may be empty. */
        public Data {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(tokenizer, "tokenizer");
            Objects.requireNonNull(tokenizerSha256, "tokenizerSha256");
        }

        /** Data whose tokenizer is not recorded. */
        public Data(String kind, String path, String fingerprint) {
            this(kind, path, fingerprint, "", "");
        }
    }
}
