package dev.wafer.app.checkpoint;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;
import dev.wafer.ports.compute.Tensor;

/**
 * How a Wafer model (and its optimizer state) is laid out in a checkpoint: the {@code model} and
 * {@code parameterisation} header sections, and tensors named {@code params/NAME}, {@code adam_m/NAME} and
 * {@code adam_v/NAME} after {@link dev.wafer.domain.model.ParameterLayout}'s names and shapes. Training checkpoints
 * carry all three groups; an imported or exported model only {@code params/}.
 */
public final class ModelCheckpoints {
    /** The file a checkpoint directory ({@code train --out DIR}) holds. */
    public static final String FILE_NAME = "checkpoint.wafer";
    /** Tensor-name prefix of the parameters. */
    public static final String PARAMS = "params/";
    /** Tensor-name prefix of AdamW's first moments. */
    public static final String ADAM_M = "adam_m/";
    /** Tensor-name prefix of AdamW's second moments. */
    public static final String ADAM_V = "adam_v/";
    private static final int CHUNK = 1 << 16;

    private ModelCheckpoints() {
    }

    /** {@code path} itself when it is a file, else {@code path/checkpoint.wafer}. */
    public static Path resolve(Path path) {
        return Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
    }

    /** The {@code model} header section of a shape. */
    public static Map<String, Object> modelSection(ModelShape shape) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "gpt2");
        m.put("vocab", (long) shape.vocabSize());
        m.put("positions", (long) shape.seqLength());
        m.put("layers", (long) shape.nLayers());
        m.put("heads", (long) shape.nHeads());
        m.put("d_model", (long) shape.dModel());
        m.put("d_ffn", (long) shape.dFfn());
        return m;
    }

    /** The {@code parameterisation} header section. */
    public static Map<String, Object> parameterisationSection(ParameterisationKind kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        return m;
    }

    /**
     * The model shape a checkpoint holds.
     *
     * @throws CheckpointException {@link Problem#MALFORMED_HEADER} naming the missing or invalid field
     */
    public static ModelShape shape(Path file, CheckpointHeader header) {
        Map<String, Object> m = header.model();
        try {
            return ModelShape.withHeads(intField(file, m, "model", "vocab"), intField(file, m, "model", "positions"),
                    intField(file, m, "model", "layers"), intField(file, m, "model", "heads"),
                    intField(file, m, "model", "d_model"), intField(file, m, "model", "d_ffn"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, "model section: " + e.getMessage());
        }
    }

    /** The parameterisation a checkpoint's model was trained with. */
    public static ParameterisationKind kind(Path file, CheckpointHeader header) {
        Object kind = header.parameterisation().get("kind");
        if (!(kind instanceof String s)) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, "parameterisation section lacks 'kind'");
        }
        try {
            return ParameterisationKind.parse(s);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(Problem.MALFORMED_HEADER, file, "parameterisation.kind: " + e.getMessage());
        }
    }

    /** Tensor sources over every tensor of {@code set}, named {@code prefix + name}, read in chunks from the device. */
    public static List<TensorSource> sources(String prefix, ParameterSet set) {
        List<TensorSource> out = new ArrayList<>();
        for (ParameterSpec p : set.layout().specs()) {
            TensorSpec spec = new TensorSpec(prefix + p.name(), p.shape());
            Tensor t = set.get(p.name());
            out.add(new TensorSource() {
                private final float[] chunk = new float[(int) Math.min(CHUNK, p.count())];

                @Override
                public TensorSpec spec() {
                    return spec;
                }

                @Override
                public void copyTo(long firstElement, FloatBuffer destination) {
                    long at = firstElement;
                    while (destination.hasRemaining()) {
                        int n = Math.min(chunk.length, destination.remaining());
                        t.copyToHost(at, chunk, 0, n);
                        destination.put(chunk, 0, n);
                        at += n;
                    }
                }
            });
        }
        return out;
    }

    /**
     * Loads every tensor of {@code set} from {@code prefix + name}, checking each shape.
     *
     * @throws CheckpointException {@link Problem#MISSING_TENSOR} or {@link Problem#SHAPE_MISMATCH} naming the tensor
     */
    public static void load(CheckpointReader reader, String prefix, ParameterSet set) {
        for (ParameterSpec p : set.layout().specs()) {
            reader.require(prefix + p.name(), p.shape());
        }
        for (ParameterSpec p : set.layout().specs()) {
            set.get(p.name()).copyFromHost(reader.read(prefix + p.name()));
        }
    }

    /** An integer header field, or a {@link Problem#MALFORMED_HEADER} naming it. */
    public static int intField(Path file, Map<String, Object> section, String sectionName, String field) {
        return Math.toIntExact(longField(file, section, sectionName, field));
    }

    /** A long header field, or a {@link Problem#MALFORMED_HEADER} naming it. */
    public static long longField(Path file, Map<String, Object> section, String sectionName, String field) {
        Object v = section.get(field);
        if (v instanceof Long l) {
            return l;
        }
        throw new CheckpointException(Problem.MALFORMED_HEADER, file, sectionName + "." + field
                + (v == null ? " is missing" : " is not an integer: " + v));
    }

    /** A number header field, or a {@link Problem#MALFORMED_HEADER} naming it. */
    public static double doubleField(Path file, Map<String, Object> section, String sectionName, String field) {
        Object v = section.get(field);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new CheckpointException(Problem.MALFORMED_HEADER, file, sectionName + "." + field
                + (v == null ? " is missing" : " is not a number: " + v));
    }

    /** A string header field, or a {@link Problem#MALFORMED_HEADER} naming it. */
    public static String stringField(Path file, Map<String, Object> section, String sectionName, String field) {
        Object v = section.get(field);
        if (v instanceof String s) {
            return s;
        }
        throw new CheckpointException(Problem.MALFORMED_HEADER, file, sectionName + "." + field
                + (v == null ? " is missing" : " is not a string: " + v));
    }
}
