package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.formats.data.Progress;
import dev.wafer.formats.tokens.SyntheticTokenSource;
import dev.wafer.formats.tokens.TrainingDataFiles;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.session.MemoryEstimate;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.StepEstimate;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;

/**
 * {@code wafer train --dry-run}: the resolved run (shape, tokens, batch phases, micro-batch and accumulation, schedule,
 * memory) without training, and an estimate of its duration from one measured step on the selected backend.
 */
final class DryRunReport {
    private final TrainCommand c;
    private final TrainRunResolver resolver;

    DryRunReport(TrainCommand c, TrainRunResolver resolver) {
        this.c = c;
        this.resolver = resolver;
    }

    /** Prints the run {@code state} would continue (a fresh run from step 0, or a checkpoint's). */
    void print(RunState state) {
        RunSpec s = state.spec();
        String fingerprint = refuseWhatTheRunRefuses(state);
        Map<String, Object> r = new LinkedHashMap<>();
        TrainingSchedule sc = s.schedule();
        WarmupDecaySchedule lr = sc.lrInTokens();
        r.put("preset", c.preset);
        r.put("parameterisation", s.parameterisation().id());
        r.put("d_model", s.shape().dModel());
        r.put("n_layers", s.shape().nLayers());
        r.put("n_heads", s.shape().nHeads());
        r.put("seq_length", s.seqLength());
        r.put("params", ParameterCount.total(s.shape()));
        r.put("tokens_total", s.totalTokens());
        List<Map<String, Object>> phases = new ArrayList<>();
        List<Long> accumulation = new ArrayList<>();
        long step = 0;
        for (BatchSizeSchedule.Phase p : sc.batches().phases()) {
            step = sc.batches().stepsFor(p.startTokens());
            Map<String, Object> ph = new LinkedHashMap<>();
            long tokens = (long) p.sequences() * s.seqLength();
            ph.put("start_tokens", (long) sc.tokensBeforeStep(step));
            ph.put("start_step", step);
            ph.put("batch_tokens", tokens);
            ph.put("batch_sequences", p.sequences());
            // A finished phase (a resume) may have run with another micro-batch, which the checkpoint does not keep.
            Long passes = p.sequences() % s.microBatch() == 0 ? (long) p.sequences() / s.microBatch() : null;
            ph.put("accumulation_steps", passes);
            accumulation.add(passes);
            phases.add(ph);
        }
        r.put("batch_tokens", phases);
        dev.wafer.domain.model.ActivationStorage storage = resolver.activationStorage(s.modelPrecision(), s.shape());
        MemoryEstimate mem = resolver.estimate(s.shape(), s.microBatch(), s.seqLength(), s.modelPrecision());
        java.util.Optional<String> refusal = resolver.refusal(mem, s.microBatch());
        boolean fits = refusal.isEmpty();
        r.put("micro_batch", s.microBatch());
        r.put("accumulation_steps", accumulation);
        r.put("optimizer_steps", s.totalSteps());
        r.put("warmup_tokens", lr.warmup());
        r.put("peak_lr", lr.peak());
        r.put("final_lr", lr.end());
        r.put("decay", lr.type().id());
        if (s.mup() != null) {
            r.put("mup_base_lr", s.mup().baseLearningRate());
            r.put("mup_init_std", s.mup().initStd());
            r.put("mup_emb_mult", s.mup().embeddingMultiplier());
        }
        r.put("adam_eps", s.adam().eps());
        r.put("precision", s.precision().id());
        // Which data the run trains on, as the checkpoint records it (a resumed run's: the data it continues with).
        r.put("data_kind", s.data().kind().id());
        r.put("data_path", s.data().path().isEmpty() ? null : s.data().path());
        r.put("data_fingerprint", fingerprint.isEmpty() ? null : fingerprint);
        // What this invocation trains: --stop-at and --max-tokens end it early, a resumed run starts later.
        long startStep = state.position().step();
        long stopStep = EarlyStop.stopStep(s, startStep, c.stopAt, c.maxTokens);
        double runTokens = sc.tokensBeforeStep(stopStep) - sc.tokensBeforeStep(startStep);
        r.put("start_step", startStep);
        r.put("stop_step", stopStep);
        r.put("run_tokens", (long) runTokens);
        // Epochs of the training split the whole run trains; null without epochs (a token file) or unopened data.
        r.put("epochs", perEpoch.isPresent() ? EpochNote.epochs(s, perEpoch.getAsLong()) : null);
        if (perEpoch.isPresent()) {
            EpochNote.line(s, perEpoch.getAsLong()).ifPresent(line -> {
                PrintWriter err = c.spec.commandLine().getErr();
                err.println("wafer: note: " + line);
                err.flush();
            });
        }
        // The run's rank 0 notes ranks left without a micro-batch; the dry run (--ranks N, or under mpirun) as well.
        IdleRanksNote.line(s, startStep, resolver.ranks()).ifPresent(line -> {
            PrintWriter err = c.spec.commandLine().getErr();
            err.println("wafer: note: " + line);
            err.flush();
        });
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("state_bytes", mem.stateBytes());
        memory.put("activation_bytes", mem.activationBytes());
        // A device backend's own scratch buffers during a step (0 for the host backends).
        memory.put("workspace_bytes", mem.workspaceBytes());
        // Per rank: AdamW's two moments, split over the ranks with --shard-optimizer (ZeRO stage 1).
        memory.put("ranks", resolver.ranks());
        memory.put("optimizer_shards", resolver.optimizerShards());
        memory.put("optimizer_bytes_per_rank", MemoryEstimate.optimizerBytes(s.shape(), resolver.optimizerShards()));
        memory.put("recompute", c.recompute);
        // bf16, or fp32 with the reason in a 16-bit run (a backend that stores float32 tensors only, say).
        memory.put("activation_storage", storage.describe());
        memory.put("heap_bytes", resolver.memory().device() ? Runtime.getRuntime().maxMemory() : resolver.heapBytes());
        if (resolver.memory().device()) {
            memory.put("device_bytes", resolver.heapBytes()); // free device memory: what the run is sized against
        }
        memory.put("sized_against", resolver.memory().where());
        memory.put("fits", fits);
        r.put("memory", memory);
        r.put("overrides", overrides());
        // The selected backend, measured or not (it was null with --no-measure or a run that does not fit).
        String backendName = c.probe == null ? null : c.probe.name();
        Double seconds = null;
        Double fullRunSeconds = null;
        String note = null;
        if (!fits) {
            note = refusal.get();
        } else if (c.noMeasure) {
            note = "not measured (--no-measure)";
        } else {
            try (ComputeBackend backend = c.backends.open(); TensorScope scope = backend.openScope()) {
                backendName = backend.name();
                SyntheticTokenSource data = new SyntheticTokenSource(s.shape().vocabSize(), s.seed());
                data.sequenceLength(s.seqLength());
                StepEstimate estimate = StepEstimate.measure(backend, scope, s, data, System::nanoTime, c.recompute);
                seconds = estimate.seconds(s, runTokens, stopStep - startStep);
                fullRunSeconds = estimate.runSeconds(s);
            }
        }
        r.put("backend", backendName);
        r.put("estimated_seconds", seconds);
        r.put("estimated_seconds_full_run", fullRunSeconds);
        r.put("estimate_note", note);
        PrintWriter out = c.spec.commandLine().getOut();
        if (c.json) {
            Json.print(out, r);
            return;
        }
        KeyValues kv = new KeyValues();
        r.forEach((k, v) -> {
            if (v != null && !(v instanceof List<?> || v instanceof Map<?, ?>)) {
                kv.row(k, human(k, v));
            }
        });
        Map<String, Object> overrides = overrides();
        if (!overrides.isEmpty()) { // the flags that changed the preset's recipe, as --json lists them
            kv.row("overrides", String.join(", ", overrides.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()));
        }
        for (Map<String, Object> ph : phases) {
            Object passes = ph.get("accumulation_steps");
            kv.row("batch from token " + ph.get("start_tokens"), ph.get("batch_tokens") + " tokens ("
                    + ph.get("batch_sequences") + " sequences, " + (passes == null ? "finished"
                    : passes + " micro-batches") + ") from step " + ph.get("start_step"));
        }
        kv.row("memory", Format.bytes(mem.totalBytes()) + (resolver.memory().device()
                ? " of " + Format.bytes(resolver.heapBytes()) + " " + resolver.memory().where()
                : " of a " + Format.bytes(resolver.heapBytes()) + " heap"));
        if (resolver.optimizerShards() > 1) {
            kv.row("optimizer state", Format.bytes(MemoryEstimate.optimizerBytes(s.shape(), resolver.optimizerShards()))
                    + " per rank (AdamW moments sharded over " + resolver.optimizerShards() + " ranks)");
        }
        kv.print(out);
    }

    /** Sequences per epoch of the training split, when the dry run opened a dataset (the sample once prepared). */
    private java.util.OptionalLong perEpoch = java.util.OptionalLong.empty();

    /**
     * The checks the real run makes before training, with its words: the data (its sequence length, vocabulary and, on
     * resume, fingerprint), the backend's precision and an early stop the checkpoint has already reached. The
     * embedded sample is opened only when already prepared, and only for its epochs: preparing it is the run's work.
     *
     * @return the data's fingerprint (read from its files, else as recorded); empty when there is none
     */
    private String refuseWhatTheRunRefuses(RunState state) {
        // A complete run too: its run refuses a --stop-at or --max-tokens it has already passed (exit 2).
        EarlyStop.requireSomethingToDo(c.stopAt, c.maxTokens, state);
        DataKind kind = state.spec().data().kind();
        String fingerprint = state.spec().data().fingerprint();
        if (kind == DataKind.DATASET || kind == DataKind.TOKENS) {
            try (TrainingDataFiles files = TrainingDataFiles.open(state.spec(), Progress.NONE)) {
                fingerprint = ResumedData.withFingerprint(state, files).spec().data().fingerprint();
                perEpoch = EpochNote.perEpoch(files.data());
            } catch (TrainingDataFiles.DataException e) {
                throw new UserError(e.getMessage());
            }
        } else if (kind == DataKind.SAMPLE) {
            // Only a sample already prepared (as the run would use it), for its epochs: preparing it is the run's
            // work, and what the dry run refuses must not depend on whether an earlier run prepared it.
            try {
                java.util.Optional<TrainingDataFiles> sample = TrainingDataFiles.openPreparedSample(state.spec(),
                        dev.wafer.formats.data.SampleDataset.defaultCacheRoot());
                if (sample.isPresent()) {
                    try (TrainingDataFiles files = sample.get()) {
                        // The run's check of the sample it would use (a cache prepared by another build may
                        // differ), and the fingerprint the run will record (until 2026-12-07 a new run's dry run
                        // showed none). A sample not prepared yet has none to show: the run prepares it.
                        fingerprint = ResumedData.withFingerprint(state, files).spec().data().fingerprint();
                        perEpoch = EpochNote.perEpoch(files.data());
                    }
                }
            } catch (TrainingDataFiles.DataException e) {
                perEpoch = java.util.OptionalLong.empty(); // the run refuses it when it opens the sample
            }
        }
        resolver.requirePrecision(state.spec().precision());
        return fingerprint;
    }

    /** A value as the table shows it: seconds with a readable unit, token counts with SI suffixes, rates compact. */
    private static String human(String key, Object v) {
        if (v instanceof Double d) {
            if (key.startsWith("estimated_seconds")) {
                String duration = Format.duration(d);
                return duration.endsWith(" s") ? duration : Format.fixed(d, 0) + " s (" + duration + ")";
            }
            return key.endsWith("_tokens") ? Format.si(d) : Format.compact(d);
        }
        if (v instanceof Long n && (key.endsWith("tokens") || key.endsWith("_total") || key.equals("params"))) {
            return Format.si(n) + " (" + n + ")";
        }
        return String.valueOf(v);
    }

    /** Flags that change a preset's recipe, as given. */
    private Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        if (c.preset == null) {
            return o;
        }
        Object[][] flags = {{"d_model", c.shape.dModel}, {"n_layers", c.shape.layers}, {"n_heads", c.shape.heads},
            {"seq_length", c.shape.seq}, {"vocab", c.shape.vocab}, {"batch_sequences", c.shape.batch},
            {"batch_tokens", c.batchTokens}, {"micro_batch", c.microBatch}, {"parameterisation", c.parameterisation},
            {"peak_lr", c.lr}, {"warmup_steps", c.warmup}, {"decay", c.decay}, {"adam_eps", c.eps},
            {"mup_base_lr", c.mupBaseLr}, {"mup_init_std", c.mupInitStd}, {"mup_emb_mult", c.mupEmbMult}};
        for (Object[] f : flags) {
            if (f[1] != null) {
                o.put((String) f[0], f[1]);
            }
        }
        return o;
    }
}
