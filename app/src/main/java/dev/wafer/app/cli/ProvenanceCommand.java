package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TrainingHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer audit provenance}: what a checkpoint records of how its model was trained (shape, steps and tokens,
 * data path and fingerprint, tokenizer, precision, seed, where it was imported from) and, when the dataset is still at
 * the recorded path, whether it is the same data and which provenance rules prepared it. Reads and verifies the header
 * only ({@link CheckpointStore#readHeader}).
 */
@Command(name = "provenance", mixinStandardHelpOptions = true,
        description = "Show which data a checkpoint records it was trained on, and check that dataset if it is there.")
public final class ProvenanceCommand implements Runnable, BackendAgnostic {
    @Spec
    CommandSpec spec;

    @Inject
    CheckpointStore store;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT",
            description = "A checkpoint file, a train --out directory or an import-hf output.")
    Path checkpoint;

    @Option(names = "--json", description = "Print one JSON object: checkpoint, model, training, data, tokenizer,"
            + " imported_from, recorded_provenance, dataset.")
    boolean json;

    @Override
    public void run() {
        Path file = ModelCheckpoints.resolve(checkpoint);
        if (!Files.exists(file)) {
            throw new UserError("--checkpoint " + checkpoint + ": no checkpoint at " + file);
        }
        CheckpointHeader header;
        CheckpointedModel model;
        try {
            // The header alone is read and verified (its checksum): a 13B checkpoint's header answers the question,
            // and damaged tensor data is not this command's concern (eval, generate and resume refuse it).
            header = store.readHeader(file);
            ModelHeader m = header.model();
            model = new CheckpointedModel(file, RunStateHeaders.shape(file, m), RunStateHeaders.kind(file, m),
                    Map.of(), RunStateHeaders.mup(file, m), header.training(), m.importedFrom(), m.provenance());
            // What train --resume refuses (data kind 'weird', a negative step) is not reported as the record.
            CheckpointedModel.requireValidRunState(file, header);
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage());
        }
        Map<String, Object> r = report(file, header, model);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, r);
        } else {
            print(out, r);
        }
    }

    private static Map<String, Object> report(Path file, CheckpointHeader header, CheckpointedModel model) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("checkpoint", file.toString());
        ModelHeader m = header.model();
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("vocab", m.vocab());
        shape.put("positions", m.positions());
        shape.put("layers", m.layers());
        shape.put("heads", m.heads());
        shape.put("d_model", m.dModel());
        shape.put("d_ffn", m.dFfn());
        shape.put("parameterisation", m.parameterisation());
        m.mup().ifPresent(mup -> shape.put("mup", Map.of("base_lr", mup.baseLr(), "init_std", mup.initStd(),
                "emb_mult", mup.embeddingMultiplier())));
        r.put("model", shape);
        Map<String, String> recorded = m.provenance();
        Map<String, Object> training = null;
        Map<String, Object> data = null;
        if (header.training().isPresent()) {
            TrainingHeader t = header.training().get();
            training = new LinkedHashMap<>();
            training.put("step", t.position().step());
            training.put("tokens", t.position().tokens());
            training.put("seq_length", t.seqLength());
            training.put("seed", t.seed());
            training.put("precision", t.precision());
            data = dataOf(t.data().kind(), t.data().path(), t.data().fingerprint());
        } else if (recorded.containsKey("data_kind") || recorded.containsKey("data_path")) {
            data = dataOf(recorded.getOrDefault("data_kind", ""), recorded.getOrDefault("data_path", ""),
                    recorded.getOrDefault("data_fingerprint", ""));
        }
        r.put("training", training);
        r.put("data", data);
        // Looked up once: it may read the dataset's manifest.
        java.util.Optional<TrainedTokenizer> tokenizer = TrainedTokenizer.of(model);
        r.put("tokenizer", tokenizer.map(TrainedTokenizer::tokenizer).orElse(TrainedTokenizer.assumedFor(model)));
        r.put("tokenizer_source", tokenizer.map(TrainedTokenizer::source)
                .orElse("assumed from the vocabulary (nothing records it)"));
        r.put("imported_from", m.importedFrom().orElse(null));
        r.put("recorded_provenance", recorded.isEmpty() ? null : recorded);
        r.put("dataset", data == null ? null : datasetCheck(header, String.valueOf(data.get("path")),
                String.valueOf(data.get("fingerprint"))));
        return r;
    }

    /**
     * The recorded dataset checked where it is; for the embedded sample, which records no path, its prepared copy in
     * the cache, as train --resume finds it (until 2026-12-07 "not checked: no path recorded").
     */
    private static Map<String, Object> datasetCheck(CheckpointHeader header, String path, String fingerprint) {
        java.util.Optional<TrainingHeader> sample = header.training()
                .filter(t -> path.isEmpty() && t.data().kind().equals(DataKind.SAMPLE.id()));
        if (sample.isEmpty()) {
            return DatasetProvenance.check(path, fingerprint);
        }
        int seq = sample.get().seqLength();
        java.util.Optional<Path> prepared = TrainedSample.prepared(seq);
        if (prepared.isPresent()) {
            return DatasetProvenance.check(prepared.get().toString(), fingerprint);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", TrainedSample.directory(seq).toString());
        d.put("found", false);
        d.put("problem", "trained on the embedded sample, and " + TrainedSample.where(seq));
        return d;
    }

    private static Map<String, Object> dataOf(String kind, String path, String fingerprint) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        d.put("path", path);
        d.put("fingerprint", fingerprint);
        return d;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> r) {
        KeyValues kv = new KeyValues();
        kv.row("checkpoint", r.get("checkpoint"));
        Map<String, Object> m = (Map<String, Object>) r.get("model");
        kv.row("model", "vocab " + m.get("vocab") + ", " + m.get("positions") + " positions, " + m.get("layers")
                + " layers, " + m.get("heads") + " heads, d_model " + m.get("d_model") + ", d_ffn " + m.get("d_ffn")
                + ", " + m.get("parameterisation") + (m.containsKey("mup") ? " " + m.get("mup") : ""));
        if (r.get("training") instanceof Map<?, ?> t) {
            kv.row("trained", t.get("step") + " steps, " + t.get("tokens") + " tokens in sequences of " + t.get("seq_length")
                    + ", seed " + t.get("seed") + ", " + shown(t.get("precision")));
        } else {
            kv.row("trained", "no training section (a model-only checkpoint)");
        }
        if (r.get("data") instanceof Map<?, ?> d) {
            // An imported model's record may name the path without the kind: no empty quotes for it.
            kv.row("data", String.join(" ", java.util.stream.Stream.of(d.get("kind"), d.get("path"))
                    .map(String::valueOf).filter(v -> !v.isEmpty()).map(ProvenanceCommand::shown).toList()));
            kv.row("data fingerprint", String.valueOf(d.get("fingerprint")).isEmpty() ? "none recorded"
                    : shown(d.get("fingerprint")));
        } else {
            kv.row("data", "not recorded");
        }
        kv.row("tokenizer", shown(r.get("tokenizer")) + " (" + r.get("tokenizer_source") + ")");
        if (r.get("imported_from") != null) {
            kv.row("imported from", shown(r.get("imported_from")));
        }
        if (r.get("recorded_provenance") instanceof Map<?, ?> p) {
            kv.row("recorded provenance", ModelProvenance.summary((Map<String, String>) p));
        }
        if (r.get("dataset") instanceof Map<?, ?> ds) {
            DatasetProvenance.print(kv, (Map<String, Object>) ds);
        }
        kv.print(out);
    }

    /** The names a list shows (quoted where {@link DisplayName} quotes them), or "none". */
    static String listOrNone(Object list) {
        return list instanceof List<?> l && !l.isEmpty() ? String.join(", ", l.stream().map(ProvenanceCommand::shown)
                .toList()) : "none";
    }

    /** A recorded value as the terminal shows it: a control character (ESC, NUL) never reaches it raw. */
    static String shown(Object recorded) {
        return DisplayName.of(String.valueOf(recorded));
    }
}
