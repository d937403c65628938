package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.app.cluster.Cluster;
import dev.wafer.domain.cluster.RunAgreement;
import dev.wafer.formats.data.Progress;
import dev.wafer.formats.tokens.TrainingDataFiles;
import dev.wafer.domain.session.Checkpointing;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunOutcome;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.SessionListener;
import dev.wafer.domain.session.SessionOptions;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.compute.Capability;
import dev.wafer.domain.profile.KernelProfile;
import dev.wafer.domain.profile.ProfilingBackend;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.DeviceFailureException;
import dev.wafer.ports.compute.TensorScope;
import picocli.CommandLine;

/**
 * Carries out a resolved {@code wafer train} run: claims the output directory, opens the data (checking its
 * fingerprint against a resumed run's), opens the backend, installs the preemption signals and runs the session.
 *
 * <p>Under {@code mpirun} every rank runs this; each trains its share of every batch ({@link Cluster}), and rank 0
 * alone claims the output, prints and checkpoints, so the checkpoint is the one a single process writes.
 */
final class TrainExecution {
    private final TrainFlags f;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Cluster cluster;
    private final ComputeBackendFactory backends;
    private final CheckpointStore store;

    TrainExecution(TrainFlags f, CommandLine commandLine, Cluster cluster, ComputeBackendFactory backends,
            CheckpointStore store) {
        this.f = f;
        this.out = commandLine.getOut();
        this.err = commandLine.getErr();
        this.cluster = cluster;
        this.backends = backends;
        this.store = store;
    }

    void run(RunState state, CheckpointReader checkpoint) {
        Cluster.Ranks ranks = cluster.join(line -> {
            err.println("wafer: " + line);
            err.flush();
        });
        run(state, checkpoint, ranks);
        // Reached only on success: after a failure the rank exits without MPI_Finalize, so mpirun stops the others.
        ranks.finish();
    }

    private void run(RunState state, CheckpointReader checkpoint, Cluster.Ranks ranks) {
        boolean lead = ranks.lead();
        Path outDir = lead ? outDir() : null;
        // Before the complete-run case: an explicit stop already passed is a mistake in the command (exit 2), even
        // on a finished run; without one, a finished run is said and ends with exit 0.
        EarlyStop.requireSomethingToDo(f.stopAt(), f.maxTokens(), state);
        Long content = checkpoint == null ? null : checkpoint.contentChecksum();
        // Every rank agrees before any decides there is nothing to do: a rank whose checkpoint is complete left
        // alone (exit 0) while another waited for it in a collective until the timeout (exit 76).
        RunAgreement.checkAll(ranks.collective(), RankAgreementText.start(state, f, content),
                RankAgreementText.SAME_FLAGS).ifPresent(reason -> {
            throw new UserError(reason);
        });
        if (checkpoint != null && state.position().step() >= state.spec().totalSteps()) {
            // Said, not silent: the run ended before; nothing is trained, scored or rewritten (exit 0, so a
            // resume-until-done loop ends).
            if (lead) {
                err.println("wafer: --resume " + f.resume() + ": the run is already complete (step "
                        + state.position().step() + " of " + state.spec().totalSteps() + "); nothing to do");
                err.flush();
            }
            return;
        }
        requireRecordedData(state);
        if (lead && outDir == null && (f.stopAt() != null || f.maxTokens() != null)) {
            // A short run without saving is legitimate, but --stop-at and --max-tokens are usually meant to resume.
            err.println("wafer: note: " + (f.stopAt() != null ? "--stop-at " + f.stopAt() : "--max-tokens "
                    + f.maxTokens()) + " without --out saves nothing when the run stops; give --out DIR to keep a"
                    + " checkpoint to resume from");
            err.flush();
        }
        SessionOptions options = SessionOptions.defaults()
                .validationBatches(lead ? Math.max(0, f.evalBatches()) : 0)
                .across(ranks.collective())
                .shardOptimizer(f.shardOptimizer())
                .recomputeActivations(f.recompute());
        if (f.stopAt() != null) {
            options = options.stopAt(f.stopAt());
        }
        if (f.maxTokens() != null) {
            options = options.maxTokens(f.maxTokens());
        }
        if (f.underflowReport() != null) {
            options = options.underflowReportEvery(f.underflowReport());
        }
        SessionListener progress = lead ? new TrainProgress(out, err, f.json(), f.stopAt(), f.maxTokens()) : r -> { };
        // Rank 0 writes the checkpoints: its line after a device failure says where the run can continue from.
        NewestCheckpoint newest = new NewestCheckpoint(progress, checkpoint == null ? null
                : ModelCheckpoints.resolve(f.resume()), state.position().step(), f.stopAt(), f.maxTokens(),
                f.checkpointEvery());
        KernelProfile kernels = f.profile() ? new KernelProfile() : null;
        SaveTraffic saves = new SaveTraffic(store, ranks);
        try (TrainOutput output = TrainOutput.claim(outDir, outLabel(outDir), ownCheckpoint(outDir),
                    f.resume() != null, f.overwrite());
                StopSignals signals = ranks.collective().size() == 1 ? StopSignals.install()
                        : StopSignals.installForRank(ranks.collective().rank(), ranks.collective().size());
                TrainingDataFiles files = TrainingDataFiles.open(state.spec(), Progress.NONE);
                ComputeBackend backend = profiled(backends.open(), kernels); TensorScope scope = backend.openScope()) {
            if (lead) {
                signals.onSecondSignal(() -> newest.continueFrom(backend.name()));
            }
            if (outDir != null && f.out() == null && !ownCheckpoint(outDir)) {
                // Resuming a file of another name: say where this run's checkpoints go, since no flag named it.
                err.println("wafer: --resume " + f.resume() + ": checkpoints go to "
                        + outDir.resolve(ModelCheckpoints.FILE_NAME) + " (give --out DIR to save elsewhere)");
                err.flush();
            }
            long every = f.checkpointEvery() == null ? 0 : f.checkpointEvery();
            if (outDir != null) {
                options = options.checkpointTo(new Checkpointing(saves, outDir.resolve(ModelCheckpoints.FILE_NAME),
                        every));
            } else if (!lead && f.shardOptimizer() && ranks.collective().size() > 1 && writesCheckpoints()) {
                // The moments live in shards: this rank sends its shard to the writer at every save.
                options = options.checkpointTo(Checkpointing.participant(every));
            }
            requirePrecision(backend.name(), backend.capabilities(), state.spec().precision(), f.resume());
            if (lead && f.evalBatches() > 0 && files.validationSequences() > 0) {
                // Each validation sequence scored once at most: a split smaller than --eval-batches batches of 8
                // would otherwise wrap, and the loss would count some of its tokens twice. An epoch of the split is
                // all its sequences but the last (which has no successor for its last target).
                // A split smaller than one micro-batch is scored in part of one (each sequence once), not skipped.
                options = options.validationSequences(files.validationSequences() - 1);
                if (files.validationSequences() == 1) {
                    err.println("wafer: the validation split holds one sequence, which has no next token for its last"
                            + " target: no validation loss is scored");
                    err.flush();
                }
            }
            RunState run = ResumedData.withFingerprint(state, files);
            // The checkpoint says how its ids read as text even after the dataset is gone (generate, eval, export).
            run = new RunState(run.spec().withData(run.spec().data().withTokenizer(files.tokenizer(),
                    files.tokenizerSha256())), run.position());
            noteUntrainedTails(files.rowLength(), state.spec().seqLength(), lead);
            java.util.OptionalLong perEpoch = EpochNote.perEpoch(files.data());
            if (lead && perEpoch.isPresent()) {
                EpochNote.line(state.spec(), perEpoch.getAsLong()).ifPresent(line -> {
                    err.println("wafer: note: " + line);
                    err.flush();
                });
            }
            RunAgreement.check(ranks.collective(), RankAgreementText.of(run, f, backend.name(), content),
                    RankAgreementText.SAME_FLAGS).ifPresent(reason -> {
                throw new UserError(reason);
            });
            if (lead) {
                IdleRanksNote.line(run.spec(), run.position().step(), ranks.collective().size()).ifPresent(line -> {
                    err.println("wafer: note: " + line);
                    err.flush();
                });
            }
            if (progress instanceof TrainProgress p) {
                p.backend(ranks.collective().size() == 1 ? backend.name()
                        : backend.name() + " x " + ranks.collective().size() + " ranks", files.data().description());
            }
            options = options.stopWhen(signals::requested);
            TrainingSession session = checkpoint == null
                    ? TrainingSession.start(backend, scope, run.spec(), files.data(), options, newest)
                    : TrainingSession.resume(backend, scope, run, checkpoint, files.data(), options, newest);
            if (checkpoint != null) {
                dev.wafer.domain.session.NonFiniteParameters.describe(session.model().model().parameters())
                        .ifPresent(what -> {
                            throw new UserError("--resume " + f.resume() + ": the checkpoint's " + what
                                    + "; it cannot be trained on");
                        });
            }
            long started = System.nanoTime();
            RunOutcome outcome = session.run();
            long trained = outcome.state().position().step() - state.position().step();
            if (kernels != null && lead && trained > 0) {
                // Everything session.run() did (the steps, the validation at the end, checkpoints) over its steps.
                ProfileReport report = new ProfileReport(kernels, (int) trained,
                        (System.nanoTime() - started) / 1e9 / trained);
                if (f.json()) {
                    out.println("{\"profile\":" + report.json() + "}");
                } else {
                    report.print(out);
                }
                out.flush();
            }
            if (progress instanceof TrainProgress p) {
                p.skippedSummary().ifPresent(line -> {
                    err.println(line);
                    err.flush();
                });
            }
            if (lead && ranks.collective().size() > 1) {
                err.println("wafer: " + ranks.communicationSummary(outcome.state().position().step()
                        - state.position().step(), saves.saves(), saves.nanos(), saves.bytes()));
                err.flush();
            }
            Preempted stopped = SignalStopLine.report(err, signals, outcome, outDir, f, backend.name());
            if (stopped != null) {
                throw stopped;
            }
        } catch (NonFiniteTrainingException e) {
            throw new UserError(flagWording(e.getMessage()));
        } catch (TrainingDataFiles.DataException e) {
            throw new UserError(e.getMessage());
        } catch (DeviceFailureException e) {
            throw lead ? newest.explain(e) : e;
        }
    }

    /** A training failure's message, naming the command's flags where the domain names the API's parameters. */
    static String flagWording(String message) {
        return message.replace(NonFiniteTrainingException.SMALLER_PEAK_LR, "train again with a smaller --lr")
                .replace(NonFiniteTrainingException.TOO_HIGH_PEAK_LR, "too high a --lr")
                .replace("(" + NonFiniteTrainingException.SKIP_NON_FINITE + " ", "(--skip-nonfinite ");
    }

    private static ComputeBackend profiled(ComputeBackend backend, KernelProfile kernels) {
        return kernels == null ? backend : new ProfilingBackend(backend, kernels);
    }

    /** Refuses, in one line and before anything is allocated, a precision the backend does not implement. */
    static void requirePrecision(ComputeBackend backend, Precision precision) {
        requirePrecision(backend.name(), backend.capabilities(), precision, null);
    }

    /**
     * As {@link #requirePrecision(ComputeBackend, Precision)} for a backend known by its name and capabilities; for a
     * run resumed from {@code resumed} (null when not resuming) the precision is the checkpoint's, which cannot
     * change, so the message names the checkpoint and the backend to resume on instead of a flag.
     */
    static void requirePrecision(String backend, java.util.Set<Capability> capabilities, Precision precision,
                                 java.nio.file.Path resumed) {
        Capability needed = precision.operands().capability();
        if (needed != null && !capabilities.contains(needed)) {
            throw new UserError(resumed != null
                    ? "--resume " + resumed + ": the checkpoint trains in " + precision.id() + ", which backend '"
                            + backend + "' does not implement (it trains in fp32 only) and a resumed run cannot"
                            + " change; resume it with --backend cpu"
                    : "--precision " + precision.id() + ": backend '" + backend + "' does not implement "
                            + precision.id() + " (it trains in fp32 only); use --precision fp32 or the cpu backend");
        }
    }

    /**
     * Where rank 0 writes checkpoints: {@code --out}, else the directory of the checkpoint resumed (a resumed run,
     * from a directory or a file, goes on saving beside it, as {@code --checkpoint-every} and {@code --stop-at}
     * expect), else nowhere.
     */
    private Path outDir() {
        if (f.out() != null) {
            return f.out();
        }
        if (f.resume() == null) {
            return null;
        }
        Path dir = ModelCheckpoints.resolve(f.resume()).toAbsolutePath().getParent();
        return Files.isDirectory(f.resume()) ? f.resume() : dir;
    }

    /** How the claim's refusals name {@code dir}: by the flag that chose it. */
    private String outLabel(Path dir) {
        return f.out() != null || dir == null ? "--out " + dir
                : dir + " (where --resume " + f.resume() + " saves; --out DIR saves elsewhere)";
    }

    /** Whether rank 0 checkpoints this run (the rule that picks its {@code outDir}, which every rank can apply). */
    private boolean writesCheckpoints() {
        return outDir() != null;
    }

    /** Whether the checkpoint in {@code outDir} is the one this run resumes (so replacing it is the point). */
    private boolean ownCheckpoint(Path outDir) {
        if (outDir == null || f.resume() == null) {
            return false;
        }
        Path resumed = ModelCheckpoints.resolve(f.resume());
        Path target = outDir.resolve(ModelCheckpoints.FILE_NAME);
        try {
            // The same file by any path (a symbolic link, "..", a bind mount) is the run's own checkpoint.
            return Files.exists(target) && Files.isSameFile(resumed, target);
        } catch (java.io.IOException e) {
            return resumed.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize());
        }
    }

    /**
     * Refuses a resume whose recorded dataset or token file is gone, saying so and how to relocate it: without this
     * the data's own check named a {@code --data} the user never gave.
     */
    private void requireRecordedData(RunState state) {
        DataSpec data = state.spec().data();
        if (f.resume() == null || f.data() != null || data.path().isEmpty()
                || data.kind() != DataKind.DATASET && data.kind() != DataKind.TOKENS) {
            return;
        }
        if (RecordedPath.of(data.path()).filter(Files::exists).isEmpty()) {
            throw new UserError("--resume " + f.resume() + ": the data the checkpoint recorded, " + data.path()
                    + ", does not exist (moved or deleted?); give --data NEWPATH where the same "
                    + (data.kind() == DataKind.DATASET ? "dataset" : "token file") + " now is");
        }
    }

    /**
     * A dataset packed in rows longer than --seq is trained on the first --seq tokens of each row only: said at the
     * start, since the rest of every row is in the dataset (and in data audit's answers) but never trained on. The
     * checkpoint records seq_length, and the dataset's manifest its rows' length.
     */
    private void noteUntrainedTails(int rowLength, int seq, boolean lead) {
        if (lead && rowLength > seq) {
            err.println("wafer: note: the dataset's rows hold " + rowLength + " tokens and --seq is " + seq + ": the run"
                    + " trains on the first " + seq + " tokens of each row; the other " + (rowLength - seq)
                    + " of each row are never trained on (prepare with --seq-len " + seq + " to train on all of them)");
            err.flush();
        }
    }
}
