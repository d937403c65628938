package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.app.cluster.Cluster;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.domain.recipe.LearningRates;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.session.RunPosition;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import dev.wafer.app.backend.MemoryBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer train}: resolves the flags (and preset, or checkpoint) into a run, then hands it to the domain's
 * {@link TrainingSession}; this command only validates, opens files and prints.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a GPT-3-style model (SP or muP). Without --data it trains on the embedded sample corpus.")
public final class TrainCommand implements Runnable, RankAware {
    @Spec
    CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    /** Whether this process is one rank of an mpirun job (then it trains its share of every batch). */
    @Inject
    Cluster cluster;

    @Mixin
    ShapeOptions shape;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset from 'wafer models' (its Table 1 batch,"
            + " schedule and tokens) or a laptop preset (mup-proxy-64/128/256, sp-tiny-128).")
    String preset;

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "A dataset from 'wafer data prepare' (its train split) or a little-endian uint16 token file"
                    + " (text is refused: prepare it first).")
    Path data;

    @Option(names = "--synthetic", description = "Train on seeded random tokens instead of text (for timing).")
    boolean synthetic;

    @Option(names = "--parameterisation", paramLabel = "sp|mup", description = "Default: the preset's, else sp.")
    String parameterisation;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps of a run without a preset (default "
            + RunRecipe.DEFAULT_STEPS + ", about 5 minutes on 2 cores). A preset fixes its steps: shorten it with --stop-at or"
            + " --max-tokens.")
    Long steps;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: the preset's; else "
            + LearningRates.DEFAULT_SP + " SP, " + LearningRates.MUP + " muP).")
    Double lr;

    @Option(names = "--mup-base-lr", paramLabel = "ETA", description = "muP only: eta_base, the peak learning rate"
            + " (hidden weights train at eta_base/m_width; default 6e-3, the paper's).")
    Double mupBaseLr;

    @Option(names = "--mup-init-std", paramLabel = "SIGMA", description = "muP only: sigma_base, the embeddings'"
            + " init std (hidden weights sigma_base/sqrt(m_width); default 0.08, the paper's).")
    Double mupInitStd;

    @Option(names = "--mup-emb-mult", paramLabel = "M", description = "muP only: m_emb, the factor on the summed"
            + " embeddings (default 10, the paper's).")
    Double mupEmbMult;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up steps (default: the preset's 375M tokens; without a preset 10%% of --steps, rounded,"
                    + " at least 1 of 2 or more).")
    Long warmup;

    @Option(names = "--decay", paramLabel = "linear|cosine", description = "Decay to 10%% of peak (default: the"
            + " preset's, else linear).")
    String decay;

    @Option(names = "--batch-tokens", paramLabel = "N", description = "Tokens per optimizer step (default: the"
            + " preset's Table 1 batch, else --batch sequences). On --resume: the batch from here on.")
    Long batchTokens;

    @Option(names = "--micro-batch", paramLabel = "B", description = "Sequences per forward/backward pass; gradients"
            + " accumulate over batch/B passes (default: the largest that fits 80%% of the JVM heap).")
    Integer microBatch;

    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16", description = "Numeric precision (default fp32)."
            + " bf16/fp16: matrix products take 16-bit operands and accumulate in fp32; weights, AdamW, LayerNorm,"
            + " softmax and the loss stay fp32; fp16 adds dynamic loss scaling.")
    String precision;

    @Option(names = "--fp32-attention-grads", description = "With bf16/fp16: keep the attention-softmax gradient and"
            + " the QKV projection's backward in fp32 (the paper's fix for fp16 underflow).")
    boolean fp32AttentionGrads;

    @Option(names = "--underflow-report", paramLabel = "N", description = "Every N steps, report the tensors whose"
            + " non-zero values most often become zero when cast to 16 bits (fp16 for an fp32 run).")
    Long underflowReport;

    @Option(names = "--eps", paramLabel = "EPS", description = "Adam epsilon (default: the preset's, else 1e-8).")
    Double eps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation and data order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-batches", defaultValue = "8", paramLabel = "N",
            description = "Batches of 8 validation sequences to score after training, whatever the micro-batch"
                    + " (dataset only; default ${DEFAULT-VALUE}: 64 sequences; at most what the split holds).")
    int evalBatches;

    @Option(names = "--json", description = "Print one JSON object per step instead of a progress line.")
    boolean json;

    @Option(names = "--skip-nonfinite", description = "Skip steps whose loss or gradient is NaN or infinite (the run stops after 8 in a row, or"
            + " when a parameter is no longer finite).")
    boolean skipNonFinite;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write checkpoints to DIR/" + ModelCheckpoints.FILE_NAME + " (replaced atomically; the latest is kept).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "With --out: checkpoint every N optimizer steps (default: only at the end).")
    Long checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR|FILE", description = "Continue the run saved in DIR (or a checkpoint"
            + " file) exactly, saving there (beside the file) unless --out says elsewhere; the checkpoint fixes the"
            + " model, schedule, seed and data.")
    Path resume;

    @Option(names = "--stop-at", paramLabel = "STEP",
            description = "Stop after optimizer step STEP, keeping the run's schedule; with --out (or --resume) it"
                    + " checkpoints there, to resume later.")
    Long stopAt;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Stop once N tokens are trained, keeping the run's schedule; with --out (or --resume) it"
                    + " checkpoints there, to resume later.")
    Long maxTokens;

    @Option(names = "--dry-run", description = "Print the resolved run (with --json: one object) and exit.")
    boolean dryRun;

    @Option(names = "--no-measure", description = "With --dry-run: skip the measured step (no time estimate).")
    boolean noMeasure;

    @Option(names = "--shard-optimizer", description = "Under mpirun: each rank keeps and updates 1/N of AdamW's"
            + " moments (ZeRO stage 1; the checkpoint is the unsharded one). One process: no effect (one shard).")
    boolean shardOptimizer;

    @Option(names = "--ranks", paramLabel = "N", description = "With --dry-run: size the run for N ranks on this"
            + " machine, as mpirun -np N here runs it: they share its memory (default: the mpirun job's size, else 1).")
    Integer ranks;

    @Option(names = "--overwrite", description = "Let --out (or where --resume saves) replace a checkpoint of"
            + " another run.")
    boolean overwrite;

    @Option(names = "--recompute", description = "Activation checkpointing: keep only each block's input and"
            + " recompute the block in the backward (same gradients, far less activation memory, about a third more"
            + " forward work); the default micro-batch is sized for it.")
    boolean recompute;

    @Option(names = "--profile", description = "Time every kernel call (waiting for the device around each) and print"
            + " at the end each kernel's time per step and what ran outside the kernels (data, checkpoints,"
            + " communication).")
    boolean profile;

    @Inject
    CheckpointStore store;

    /** What runs are sized against: the selected backend's device memory, or the heap (bound at start-up). */
    @Inject
    MemoryBudget memory;

    /** The selected backend's probe, for its name (activation storage is reported per backend). */
    @Inject
    dev.wafer.ports.backend.BackendProbe probe;

    /** The flags, parsed into one record. */
    TrainFlags flags() {
        // --seed has a default for the help text; the request holds it only when given, so a resume can refuse it.
        boolean seedGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--seed");
        RunRequest recipe = new RunRequest(preset, shape.request(), parameterisation, steps, lr, warmup, decay,
                batchTokens, microBatch, precision, eps, seedGiven ? seed : null, synthetic, fp32AttentionGrads,
                skipNonFinite, new RunRequest.Mup(mupBaseLr, mupInitStd, mupEmbMult));
        return new TrainFlags(recipe, data, out, resume, checkpointEvery, stopAt, maxTokens, evalBatches,
                underflowReport, json, dryRun, noMeasure, overwrite, shardOptimizer, ranks, recompute, profile);
    }

    /**
     * Refuses --eval-batches, when given, for a run with no validation split to score: synthetic tokens, a token
     * file, or a dataset prepared without one (it was ignored without a word).
     */
    private void checkEvalBatches(RunState state) {
        boolean given = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--eval-batches");
        if (!given || evalBatches == 0) {
            return;
        }
        dev.wafer.domain.session.DataSpec data = state.spec().data();
        String none = switch (data.kind()) {
            case SYNTHETIC -> "a run on synthetic tokens has no validation split to score";
            case TOKENS -> "the token file " + data.path() + " has no validation split to score";
            case DATASET -> RecordedPath.of(data.path()).map(TrainCommand::withoutValidation).orElse(false)
                    ? "dataset " + data.path() + " has no validation split to score (prepared without one)" : null;
            case SAMPLE -> null;
        };
        if (none != null) {
            throw new UserError("--eval-batches " + evalBatches + ": " + none + "; leave it out (or give"
                    + " --eval-batches 0)");
        }
    }

    /** Whether a dataset's manifest lists no validation sequences; an unreadable one is left to the data's open. */
    private static boolean withoutValidation(Path dataset) {
        try {
            return dev.wafer.formats.data.ManifestJson.read(dataset).split(dev.wafer.domain.data.Split.VALIDATION)
                    .map(e -> e.sequences() == 0).orElse(true);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void run() {
        TrainFlags f = flags();
        TrainRunResolver resolver = new TrainRunResolver(f, memory == null ? MemoryBudget.heap() : memory,
                f.ranks() != null ? f.ranks() : cluster.launchedRanks().orElse(1),
                // --ranks N previews mpirun -np N on this machine: N JVMs share its memory, as under mpirun here.
                f.ranks() != null ? f.ranks() : cluster.localRanks())
                .backend(probe == null ? "selected" : probe.name(), backends.declaredCapabilities(),
                        backends::workspaceBytes)
                .float32Note(backends.float32StorageNote())
                .reserve(HeapReserve.measured());
        resolver.checkRunFlags();
        if (f.noMeasure() && !f.dryRun()) { // as --ranks: a flag of the dry run is not silently ignored by a run
            throw new UserError("--no-measure: only with --dry-run (it skips the dry run's measured step; a run"
                    + " measures nothing beforehand)");
        }
        TrainExecution execution = new TrainExecution(f, spec.commandLine(), cluster, backends, store);
        if (f.evalBatches() < 0) {
            throw new UserError("--eval-batches must be >= 0, found " + f.evalBatches());
        }
        if (f.resume() == null) {
            RunState fresh = new RunState(resolver.fresh(), RunPosition.START);
            checkEvalBatches(fresh);
            if (f.dryRun()) {
                // Under mpirun every rank resolves (and refuses) the run, rank 0 alone prints it, as training does.
                if (cluster.worldRank() == 0) {
                    new DryRunReport(this, resolver).print(fresh);
                }
                return;
            }
            execution.run(fresh, null);
            return;
        }
        Path file = ModelCheckpoints.resolve(f.resume());
        if (!Files.exists(file)) {
            throw new UserError("--resume " + f.resume() + ": no checkpoint at " + file);
        }
        try (CheckpointReader reader = store.open(file)) {
            RunState state = resolver.resumed(file, reader.header());
            checkEvalBatches(state);
            if (f.dryRun()) {
                if (cluster.worldRank() == 0) {
                    new DryRunReport(this, resolver).print(state);
                }
                return;
            }
            execution.run(state, reader);
        } catch (CheckpointException e) {
            if (e.problem() == CheckpointException.Problem.IO) {
                throw e; // an I/O failure (a full disk at a save): exit 74, as the README says
            }
            throw new UserError(e.getMessage());
        }
    }
}
