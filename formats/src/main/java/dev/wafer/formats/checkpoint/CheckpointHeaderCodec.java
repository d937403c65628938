package dev.wafer.formats.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    // Integers always come back as Long so that a random-number state survives whatever its magnitude.
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    /** The decoded header: sections plus tensor index. */
    record Decoded(CheckpointHeader header, List<TensorEntry> tensors) {
    }

    private CheckpointHeaderCodec() {
    }

    static byte[] encode(CheckpointHeader header, List<TensorEntry> tensors) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "wafer-checkpoint");
        root.put("version", CheckpointLayout.FORMAT_VERSION);
        ModelHeader m = header.model();
        ObjectNode model = root.putObject("model");
        model.put("architecture", "gpt2").put("vocab", m.vocab()).put("positions", m.positions())
                .put("layers", m.layers()).put("heads", m.heads()).put("d_model", m.dModel()).put("d_ffn", m.dFfn())
                .put("parameterisation", m.parameterisation());
        m.importedFrom().ifPresent(from -> model.put("imported_from", from));
        header.training().ifPresent(t -> encodeTraining(root.putObject("training"), t));
        ArrayNode index = root.putArray("tensors");
        for (TensorEntry entry : tensors) {
            ObjectNode t = index.addObject();
            t.put("name", entry.spec().name());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (int d : entry.spec().shape()) {
                shape.add(d);
            }
            t.put("offset", entry.offset());
            t.put("bytes", entry.bytes());
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint header is not representable as JSON: " + e.getMessage(), e);
        }
    }

    private static void encodeTraining(ObjectNode n, TrainingHeader t) {
        TrainingHeader.Schedule s = t.schedule();
        ObjectNode schedule = n.putObject("schedule");
        schedule.put("peak_lr", s.peakLr()).put("end_lr", s.endLr()).put("warmup_tokens", s.warmupTokens())
                .put("decay_tokens", s.decayTokens()).put("decay_type", s.decayType())
                .put("total_tokens", s.totalTokens());
        ArrayNode phases = schedule.putArray("batch_phases");
        for (TrainingHeader.BatchPhase p : s.batchPhases()) {
            phases.addObject().put("start_tokens", p.startTokens()).put("sequences", p.sequences());
        }
        n.put("seq_length", t.seqLength()).put("micro_batch", t.microBatch());
        TrainingHeader.Optimizer o = t.optimizer();
        n.putObject("optimizer").put("beta1", o.beta1()).put("beta2", o.beta2()).put("eps", o.eps())
                .put("weight_decay", o.weightDecay()).put("max_grad_norm", o.maxGradNorm());
        TrainingHeader.Position p = t.position();
        n.putObject("position").put("step", p.step()).put("tokens", p.tokens()).put("adam_steps", p.adamSteps())
                .put("data_position", p.dataPosition()).put("loss_scale", p.lossScale())
                .put("scaler_growth_tracker", p.scalerGrowthTracker());
        n.putObject("data").put("kind", t.data().kind()).put("path", t.data().path())
                .put("fingerprint", t.data().fingerprint());
        n.put("seed", t.seed()).put("precision", t.precision()).put("skip_nonfinite", t.skipNonFinite())
                .put("fp32_attention_grads", t.fp32AttentionGrads());
    }

    static Decoded decode(Path file, int version, byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed(file, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed(file, "header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "header is not a JSON object");
        }
        CheckpointHeader header = version == 1 ? LegacyHeaderV1.decode(file, root) : decodeV2(file, root);
        JsonNode index = root.get("tensors");
        if (index == null || !index.isArray()) {
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

    private static CheckpointHeader decodeV2(Path file, JsonNode root) {
        HeaderNode m = HeaderNode.root(file, root, "model");
        ModelHeader model = new ModelHeader(m.intValue("vocab"), m.intValue("positions"), m.intValue("layers"),
                m.intValue("heads"), m.intValue("d_model"), m.intValue("d_ffn"), m.text("parameterisation"),
                m.has("imported_from") ? Optional.of(m.text("imported_from")) : Optional.empty());
        if (!root.has("training")) {
            return CheckpointHeader.modelOnly(model);
        }
        HeaderNode t = HeaderNode.root(file, root, "training");
        HeaderNode s = t.object("schedule");
        JsonNode phaseArray = s.array("batch_phases");
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
                new TrainingHeader.Data(d.text("kind"), d.text("path"), d.text("fingerprint")), t.longValue("seed"),
                t.text("precision"),
                t.bool("skip_nonfinite"),
                t.has("fp32_attention_grads") && t.bool("fp32_attention_grads"))));
    }

    private static TensorEntry decodeTensor(Path file, int i, JsonNode t) {
        String where = "tensor index entry " + i;
        if (!t.path("name").isTextual()) {
            throw malformed(file, where + " has no 'name'");
        }
        String name = t.get("name").asText();
        if (name.isEmpty()) {
            throw malformed(file, where + " has an empty 'name'");
        }
        where = "tensor '" + name + "'";
        if (!"F32".equals(t.path("dtype").asText())) {
            throw malformed(file, where + " has dtype '" + t.path("dtype").asText() + "'; only F32 is supported");
        }
        JsonNode shapeNode = t.path("shape");
        if (!shapeNode.isArray()) {
            throw malformed(file, where + " has no 'shape' array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int d = 0; d < shape.length; d++) {
            if (!shapeNode.get(d).canConvertToInt() || shapeNode.get(d).asInt() <= 0) {
                throw malformed(file, where + " has an invalid dimension " + shapeNode.get(d));
            }
            shape[d] = shapeNode.get(d).asInt();
        }
        if (!t.path("offset").canConvertToLong() || !t.path("bytes").canConvertToLong()) {
            throw malformed(file, where + " lacks 'offset' or 'bytes'");
        }
        TensorSpec spec = new TensorSpec(name, shape);
        long bytes = t.get("bytes").asLong();
        long elements = 1;
        for (int d : shape) {
            elements *= d;
            if (elements > Long.MAX_VALUE / Float.BYTES) {
                throw malformed(file, where + " has shape " + spec.shapeText() + ", too large for any file");
            }
        }
        if (bytes != elements * Float.BYTES) {
            throw malformed(file, where + " of shape " + spec.shapeText() + " claims " + bytes + " bytes");
        }
        return new TensorEntry(spec, t.get("offset").asLong(), bytes);
    }

    private static CheckpointException malformed(Path file, String detail) {
        return new CheckpointException(Problem.MALFORMED_HEADER, file, detail);
    }
}
