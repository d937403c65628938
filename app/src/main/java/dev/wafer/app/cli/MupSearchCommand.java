package dev.wafer.app.cli;

import dev.wafer.formats.study.StudyJson;
import dev.wafer.formats.study.MupSearchLog;

import java.util.Map;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.study.MupSearch;
import dev.wafer.domain.study.MupTransferCheck;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.formats.plot.StudyPlots;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wafer study mup-search}: the paper's muP random search (Appendix G.2, Figure 13) on a proxy preset's
 * width, depth and head width; resumable through {@link MupSearchLog}.
 */
@Command(name = "mup-search", mixinStandardHelpOptions = true,
        description = "muP random search: (eta_base, sigma_base, m_emb) log-uniform around the paper's (6e-3, 0.08,"
                + " 10) - eta_base in [6e-4, 6e-2], sigma_base in [0.02, 0.32], m_emb in [1, 100] - each a short"
                + " seeded run of the proxy scored by held-out loss. Resumable: rerun with the same flags.")
final class MupSearchCommand implements Runnable {
    /** The lock file inside --out that a running search holds (see {@link OutputLock}). */
    static final String LOCK_FILE = ".wafer-mup-search.lock";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    /** What each run is checked against before any trains: the device's free memory or the heap. */
    @Inject
    dev.wafer.app.backend.MemoryBudget memory;

    @Mixin
    StudyOptions options;

    @Option(names = "--proxy", required = true, paramLabel = "PRESET",
            description = "The proxy whose width, layers and head width are searched (e.g. mup-proxy-128).")
    String proxy;

    @Option(names = "--samples", required = true, paramLabel = "N", description = "Triples to train.")
    int samples;

    @Option(names = "--budget-tokens", defaultValue = "65536", paramLabel = "T",
            description = "Training tokens per sample (default ${DEFAULT-VALUE}).")
    long budgetTokens;

    @Option(names = "--eval-sequences", defaultValue = "64", paramLabel = "N",
            description = "Held-out sequences scored per sample (default ${DEFAULT-VALUE}).")
    int evalSequences;

    @Option(names = "--check-transfer", description = "Then re-train the best and a few other triples at"
            + " --transfer-factor times the width and report whether the ranking holds.")
    boolean checkTransfer;

    @Option(names = "--transfer-factor", defaultValue = "2", paramLabel = "F",
            description = "With --check-transfer: the width multiple, 2, 3 or 4 (default ${DEFAULT-VALUE}).")
    int transferFactor;

    /** The search and, with --check-transfer, the transfer check (else null). */
    record Outcome(MupSearch.Result search, MupTransferCheck.Result transfer) {
    }

    @Override
    public void run() {
        if (options.kind() != ParameterisationKind.MUP) {
            throw new UserError("--parameterisation " + options.parameterisation + ": mup-search tunes muP only");
        }
        CerebrasGptPreset preset = CerebrasGptFamily.find(proxy).orElseThrow(() -> new UserError("--proxy: "
                + CerebrasGptFamily.laptop().stream().map(CerebrasGptPreset::name).toList()
                + " are the laptop proxies; '" + proxy + "' is no preset"));
        if (samples < 1) {
            throw new UserError("--samples must be positive, found " + samples);
        }
        if (!checkTransfer && spec.commandLine().getParseResult().hasMatchedOption("--transfer-factor")) {
            throw new UserError("--transfer-factor: only with --check-transfer (it is the width multiple of the"
                    + " transfer check)");
        }
        if (checkTransfer && samples < 2) {
            throw new UserError("--check-transfer needs at least 2 --samples (it checks that the ranking of"
                    + " triples holds at a larger width), found " + samples);
        }
        if (transferFactor < 2 || transferFactor > 4) {
            throw new UserError("--transfer-factor must be 2, 3 or 4, found " + transferFactor);
        }
        StudyTraining training = options.training(evalSequences);
        if (budgetTokens < training.batchTokens()) {
            throw new UserError("--budget-tokens must cover at least one step (" + training.batchTokens()
                    + " tokens), found " + budgetTokens);
        }
        StudyOptions.tokenBudget("--budget-tokens", budgetTokens, training);
        MupSearch.Settings asked = settings(preset, training);
        if (asked.steps() * training.batchTokens() != budgetTokens) {
            // Runs train whole steps: the budget is rounded up, and the outputs record the tokens trained.
            spec.commandLine().getErr().printf(java.util.Locale.ROOT, "wafer: --budget-tokens %d is not a whole number"
                    + " of steps of %d tokens (--batch x --seq); each sample trains %d steps, %d tokens%n",
                    budgetTokens, training.batchTokens(), asked.steps(), asked.steps() * training.batchTokens());
            spec.commandLine().getErr().flush();
        }
        StudyOutput output = StudyOutput.create(options, "mup-search", spec.commandLine().getOut());
        // Two searches in one --out would both train every sample and log each line twice: the second is refused.
        try (var lock = OutputLock.inside("--out", output.dir(), LOCK_FILE)) {
            StudyRun.Finished<Outcome> run = StudyRun.run(backends, memory, options,
                    spec.commandLine().getErr(), StudyRun.given(spec, evalSequences),
                    vocab -> proxyRuns(preset, vocab),
                    (backend, data, progress) -> {
                        MupSearch.Settings settings = settings(preset,
                                StudyRun.scored(training, data, spec.commandLine().getErr()));
                        MupSearchLog log = MupSearchLog.in(output.dir(), settings, data.description(),
                                data.fingerprint(), data::identifiedBy, backend.name());
                        MupSearch.Result search = MupSearch.run(backend, data, settings, log.finished(), log::append,
                                progress);
                        boolean transferable = checkTransfer
                                && MupTransferCheck.impossible(search.samples()).isEmpty();
                        return new Outcome(search, transferable
                                ? MupTransferCheck.run(backend, data, search, transferFactor, progress) : null);
                    });
            MupSearch.Result search = run.result().search();
            MupTransferCheck.Result transfer = run.result().transfer();
            Map<String, Object> json = StudyJson.mupSearch(search, run.backend());
            if (transfer != null) {
                json.put("transfer", StudyJson.mupTransfer(transfer));
            }
            java.util.Optional<String> untransferable = checkTransfer
                    ? MupTransferCheck.impossible(search.samples()) : java.util.Optional.empty();
            if (untransferable.isPresent()) {
                // The search stands; the check it was asked for could not be made, which the output says.
                json.put("transfer", null);
                json.put("transfer_not_checked", untransferable.get());
                spec.commandLine().getErr().println("wafer: --check-transfer: not checked: " + untransferable.get());
                spec.commandLine().getErr().flush();
            }
            json.put("wall_seconds", run.wallSeconds());
            output.publish("mup-search", json, png -> StudyPlots.mupSearch(search, png),
                    (out, png, file) -> StudyTables.mupSearch(out, search, transfer, png, file, run.wallSeconds()));
        }
    }

    private MupSearch.Settings settings(CerebrasGptPreset preset, StudyTraining training) {
        return StudyOptions.settings("--proxy, --samples, --budget-tokens",
                () -> new MupSearch.Settings(preset.name(), preset.shape().dModel(), preset.shape().nLayers(),
                        preset.shape().dHead(), samples, budgetTokens, training));
    }

    /** The proxy's shape and, with --check-transfer, the wider one, for {@link StudyMemory}. */
    private Map<String, dev.wafer.domain.model.ModelShape> proxyRuns(CerebrasGptPreset preset, int vocab) {
        Map<String, dev.wafer.domain.model.ModelShape> runs = new java.util.LinkedHashMap<>();
        var p = preset.shape();
        runs.put("--proxy " + preset.name(), dev.wafer.domain.study.StudyModels.shape(p.dModel(), p.nLayers(),
                p.dHead(), vocab, options.seq));
        if (checkTransfer) {
            runs.put("--transfer-factor " + transferFactor, dev.wafer.domain.study.StudyModels.shape(
                    p.dModel() * transferFactor, p.nLayers(), p.dHead(), vocab, options.seq));
        }
        return runs;
    }
}
