package dev.wafer.formats.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TrainingHeader;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * Converts the typed header and the tensor index to and from the header JSON. Version 2 writes and reads the
 * {@code model} and {@code training} objects; version 1 files (string-keyed sections, written before the typed run
 * state) are read through {@link LegacyHeaderV1}.
 */
final class CheckpointHeaderCodec {
    /** The fields naming a file path, whose NUL the reader refuses ({@link HeaderNode#pathText}). */
    private static final Set<String> PATH_FIELDS = Set.of("model.imported_from", "model.provenance.data_path",
            "training.data.path");

    /** The decoded header: sections plus tensor index. */
    record Decoded(CheckpointHeader header, List<TensorEntry> tensors) {
    }

    private CheckpointHeaderCodec() {
    }

    /**
     * The header JSON of a checkpoint.
     *
     * @throws IllegalArgumentException for a value that {@link #decode} would refuse (a number that is not finite, a
     *                                  path holding a NUL), naming its field: such a file would not open again
     */
    static byte[] encode(CheckpointHeader header, List<TensorEntry> tensors) {
        // Field order is the file format: HeaderJson writes maps in insertion order.
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "wafer-checkpoint");
        root.put("version", CheckpointLayout.FORMAT_VERSION);
        ModelHeader m = header.model();
        Map<String, Object> model = object(root, "model");
        model.put("architecture", "gpt2");
        model.put("vocab", m.vocab());
        model.put("positions", m.positions());
        model.put("layers", m.layers());
        model.put("heads", m.heads());
        model.put("d_model", m.dModel());
        model.put("d_ffn", m.dFfn());
        model.put("parameterisation", m.parameterisation());
        m.importedFrom().ifPresent(from -> model.put("imported_from", from));
        m.mup().ifPresent(mup -> {
            Map<String, Object> tuned = object(model, "mup");
            tuned.put("base_lr", mup.baseLr());
            tuned.put("init_std", mup.initStd());
            tuned.put("emb_mult", mup.embeddingMultiplier());
        });
        if (!m.provenance().isEmpty()) {
            model.put("provenance", new LinkedHashMap<String, Object>(m.provenance()));
        }
        header.training().ifPresent(t -> encodeTraining(object(root, "training"), t));
        List<Object> index = new ArrayList<>();
        root.put("tensors", index);
        for (TensorEntry entry : tensors) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", entry.spec().name());
            t.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (int d : entry.spec().shape()) {
                shape.add(d);
            }
            t.put("shape", shape);
            t.put("offset", entry.offset());
            t.put("bytes", entry.bytes());
            index.add(t);
        }
        requireReadable("", root);
        return HeaderJson.write(root);
    }

    /** Refuses what the reader refuses, so that a save never replaces a checkpoint with one that cannot be opened. */
    private static void requireReadable(String field, Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                requireReadable(field.isEmpty() ? String.valueOf(e.getKey()) : field + "." + e.getKey(), e.getValue());
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                requireReadable(field + "[" + i + "]", list.get(i));
            }
        } else if (value instanceof Double d && !Double.isFinite(d)) {
            throw new IllegalArgumentException("checkpoint header field '" + field + "' is " + d
                    + "; a checkpoint records finite numbers only");
        } else if (value instanceof String text && PATH_FIELDS.contains(field) && text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("checkpoint header field '" + field
                    + "' holds a NUL character (\\u0000), which no file path holds");
        }
    }


    private static void encodeTraining(Map<String, Object> n, TrainingHeader t) {
        TrainingHeader.Schedule s = t.schedule();
        Map<String, Object> schedule = object(n, "schedule");
        schedule.put("peak_lr", s.peakLr());
        schedule.put("end_lr", s.endLr());
        schedule.put("warmup_tokens", s.warmupTokens());
        schedule.put("decay_tokens", s.decayTokens());
        schedule.put("decay_type", s.decayType());
        schedule.put("total_tokens", s.totalTokens());
        List<Object> phases = new ArrayList<>();
        for (TrainingHeader.BatchPhase p : s.batchPhases()) {
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("start_tokens", p.startTokens());
            phase.put("sequences", p.sequences());
            phases.add(phase);
        }
        schedule.put("batch_phases", phases);
        n.put("seq_length", t.seqLength());
        n.put("micro_batch", t.microBatch());
        TrainingHeader.Optimizer o = t.optimizer();
        Map<String, Object> optimizer = object(n, "optimizer");
        optimizer.put("beta1", o.beta1());
        optimizer.put("beta2", o.beta2());
        optimizer.put("eps", o.eps());
        optimizer.put("weight_decay", o.weightDecay());
        optimizer.put("max_grad_norm", o.maxGradNorm());
        TrainingHeader.Position p = t.position();
        Map<String, Object> position = object(n, "position");
        position.put("step", p.step());
        position.put("tokens", p.tokens());
        position.put("adam_steps", p.adamSteps());
        position.put("data_position", p.dataPosition());
        position.put("loss_scale", p.lossScale());
        position.put("scaler_growth_tracker", p.scalerGrowthTracker());
        Map<String, Object> data = object(n, "data");
        data.put("kind", t.data().kind());
        data.put("path", t.data().path());
        data.put("fingerprint", t.data().fingerprint());
        if (!t.data().tokenizer().isEmpty()) {
            // Only when known, so checkpoints of token files and synthetic data keep their bytes.
            data.put("tokenizer", t.data().tokenizer());
            if (!t.data().tokenizerSha256().isEmpty()) {
                data.put("tokenizer_sha256", t.data().tokenizerSha256());
            }
        }
        n.put("seed", t.seed());
        n.put("precision", t.precision());
        n.put("skip_nonfinite", t.skipNonFinite());
        n.put("fp32_attention_grads", t.fp32AttentionGrads());
    }

    private static Map<String, Object> object(Map<String, Object> parent, String name) {
        Map<String, Object> child = new LinkedHashMap<>();
        parent.put(name, child);
        return child;
    }

    static Decoded decode(Path file, int version, byte[] json) {
        Object parsed;
        try {
            parsed = HeaderJson.parse(json);
        } catch (HeaderJson.SyntaxException e) {
            throw malformed(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw malformed(file, "header is not a JSON object");
        }
        if (version != 1) {
            requireIdentity(file, version, root);
        }
        CheckpointHeader header = version == 1 ? LegacyHeaderV1.decode(file, root) : decodeV2(file, root);
        if (!(root.get("tensors") instanceof List<?> index)) {
            throw malformed(file, "header field 'tensors' is missing or not an array");
        }
        List<TensorEntry> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < index.size(); i++) {
            TensorEntry entry = decodeTensor(file, i, index.get(i));
            if (!names.add(entry.spec().name())) {
                throw malformed(file, "tensor '" + entry.spec().name() + "' appears twice in the tensor index");
            }
            tensors.add(entry);
        }
        return new Decoded(header, List.copyOf(tensors));
    }

    /**
     * The fields that say what the file is, which every version-2 header has: a header that claims another format,
     * another version than its preamble, or a model other than GPT-2 describes something this reader does not read.
     */
    private static void requireIdentity(Path file, int version, Map<?, ?> root) {
        Object format = root.get("format");
        if (!"wafer-checkpoint".equals(format)) {
            throw malformed(file, "header field 'format' is " + (format == null ? "missing" : HeaderJson.toText(format))
                    + ", expected \"wafer-checkpoint\"");
        }
        Object recorded = root.get("version");
        if (!(recorded instanceof Number n) || n.doubleValue() != version) {
            throw malformed(file, "header field 'version' is " + (recorded == null ? "missing"
                    : HeaderJson.toText(recorded)) + " but the preamble says " + version + "; the file is damaged");
        }
        Object model = root.get("model");
        Object architecture = model instanceof Map<?, ?> m ? m.get("architecture") : null;
        if (model instanceof Map<?, ?> && !"gpt2".equals(architecture)) {
            throw malformed(file, "header field 'model.architecture' is " + (architecture == null ? "missing"
                    : HeaderJson.toText(architecture)) + ", expected \"gpt2\" (the only architecture Wafer reads)");
        }
    }

    private static CheckpointHeader decodeV2(Path file, Map<?, ?> root) {
        HeaderNode m = HeaderNode.root(file, root, "model");
        ModelHeader model = new ModelHeader(m.intValue("vocab"), m.intValue("positions"), m.intValue("layers"),
                m.intValue("heads"), m.intValue("d_model"), m.intValue("d_ffn"), m.text("parameterisation"),
                m.has("imported_from") ? Optional.of(m.pathText("imported_from")) : Optional.empty(),
                // Checkpoints written before the muP triple was recorded lack it.
                m.has("mup") ? Optional.of(mup(m.object("mup"))) : Optional.empty(),
                m.has("provenance") ? m.object("provenance").strings("data_path") : Map.of());
        if (!root.containsKey("training")) {
            return CheckpointHeader.modelOnly(model);
        }
        HeaderNode t = HeaderNode.root(file, root, "training");
        HeaderNode s = t.object("schedule");
        List<?> phaseArray = s.array("batch_phases");
        List<TrainingHeader.BatchPhase> phases = new ArrayList<>();
        for (int i = 0; i < phaseArray.size(); i++) {
            HeaderNode p = s.element(phaseArray, "batch_phases", i);
            phases.add(new TrainingHeader.BatchPhase(p.doubleValue("start_tokens"), p.intValue("sequences")));
        }
        TrainingHeader.Schedule schedule = new TrainingHeader.Schedule(s.doubleValue("peak_lr"),
                s.doubleValue("end_lr"), s.doubleValue("warmup_tokens"), s.doubleValue("decay_tokens"),
                s.text("decay_type"), s.doubleValue("total_tokens"), phases);
        HeaderNode o = t.object("optimizer");
        HeaderNode p = t.object("position");
        HeaderNode d = t.object("data");
        return new CheckpointHeader(model, Optional.of(new TrainingHeader(schedule, t.intValue("seq_length"),
                t.intValue("micro_batch"),
                new TrainingHeader.Optimizer(o.doubleValue("beta1"), o.doubleValue("beta2"), o.doubleValue("eps"),
                        o.doubleValue("weight_decay"), o.doubleValue("max_grad_norm")),
                // Checkpoints written before mixed precision lack the scaler and the attention-gradient flag.
                new TrainingHeader.Position(p.longValue("step"), p.longValue("tokens"), p.longValue("adam_steps"),
                        p.longValue("data_position"), p.has("loss_scale") ? p.doubleValue("loss_scale") : 1.0,
                        p.has("scaler_growth_tracker") ? p.longValue("scaler_growth_tracker") : 0),
                new TrainingHeader.Data(d.text("kind"), d.pathText("path"), d.text("fingerprint"),
                        d.has("tokenizer") ? d.text("tokenizer") : "",
                        d.has("tokenizer_sha256") ? d.text("tokenizer_sha256") : ""), t.longValue("seed"),
                t.text("precision"),
                t.bool("skip_nonfinite"),
                t.has("fp32_attention_grads") && t.bool("fp32_attention_grads"))));
    }

    private static ModelHeader.Mup mup(HeaderNode n) {
        return new ModelHeader.Mup(n.doubleValue("base_lr"), n.doubleValue("init_std"), n.doubleValue("emb_mult"));
    }

    private static TensorEntry decodeTensor(Path file, int i, Object entry) {
        Map<?, ?> t = entry instanceof Map<?, ?> m ? m : Map.of();
        String where = "tensor index entry " + i;
        if (!(t.get("name") instanceof String name)) {
            throw malformed(file, where + " has no 'name'");
        }
        if (name.isEmpty()) {
            throw malformed(file, where + " has an empty 'name'");
        }
        where = "tensor '" + name + "'";
        String dtype = text(t.get("dtype"));
        if (!"F32".equals(dtype)) {
            throw malformed(file, where + " has dtype '" + dtype + "'; only F32 is supported");
        }
        if (!(t.get("shape") instanceof List<?> shapeNode)) {
            throw malformed(file, where + " has no 'shape' array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int d = 0; d < shape.length; d++) {
            Object dim = shapeNode.get(d);
            if (!inRange(dim, Integer.MIN_VALUE, Integer.MAX_VALUE) || (int) ((Number) dim).doubleValue() <= 0) {
                throw malformed(file, where + " has an invalid dimension " + HeaderJson.toText(dim));
            }
            shape[d] = (int) ((Number) dim).doubleValue();
        }
        if (!inRange(t.get("offset"), Long.MIN_VALUE, Long.MAX_VALUE)
                || !inRange(t.get("bytes"), Long.MIN_VALUE, Long.MAX_VALUE)) {
            throw malformed(file, where + " lacks 'offset' or 'bytes'");
        }
        long bytes = asLong(t.get("bytes"));
        long elements = 1;
        for (int d : shape) {
            // Checked before the spec is made, which refuses more than a long's elements itself, less helpfully.
            if (elements > Long.MAX_VALUE / Float.BYTES / d) {
                throw malformed(file, where + " has shape " + java.util.Arrays.toString(shape)
                        + ", too large for any file");
            }
            elements *= d;
        }
        TensorSpec spec = new TensorSpec(name, shape);
        if (bytes != elements * Float.BYTES) {
            throw malformed(file, where + " of shape " + spec.shapeText() + " claims " + bytes + " bytes");
        }
        return new TensorEntry(spec, asLong(t.get("offset")), bytes);
    }

    /** A scalar as text, as Jackson's {@code asText()} gave it ("" for a missing field, an object or an array). */
    private static String text(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean || v == HeaderJson.NULL
                ? String.valueOf(v) : "";
    }

    /** A number that converts to an integer in [min, max] (a fraction is truncated, as the reader always did). */
    private static boolean inRange(Object v, long min, long max) {
        if (v instanceof Long l) {
            return l >= min && l <= max;
        }
        return v instanceof Double d && d >= min && d <= max;
    }

    private static long asLong(Object v) {
        return v instanceof Long l ? l : (long) ((Double) v).doubleValue();
    }

    private static CheckpointException malformed(Path file, String detail) {
        return new CheckpointException(Problem.MALFORMED_HEADER, file, detail);
    }
}
