package dev.wafer.adapters.opencl;

import static dev.wafer.adapters.opencl.ClKernel.Param.buffer;
import static dev.wafer.adapters.opencl.ClKernel.Param.integer;
import static dev.wafer.adapters.opencl.ClKernel.Param.real;
import static dev.wafer.adapters.opencl.ClKernel.Shape.BLOCKED;
import static dev.wafer.adapters.opencl.ClKernel.Shape.LINEAR;

import java.util.List;

/**
 * Every kernel of the backend, as the CUDA backend's {@code CudaKernel} table: its op code in {@link ClProgram}'s
 * dispatch, the class that defines it, its method name and its parameter list (name and kind, in order), which
 * launches are checked against ({@link ClArgs}) and which a test compares with the method's signature and with
 * the dispatch in {@link ClProgram#run()}.
 */
enum ClKernel {
    FILL(ClProgram.FILL, ClElementwiseKernels.class, "fill", LINEAR, buffer("out"), integer("n"), real("value")),
    SCALE(ClProgram.SCALE, ClElementwiseKernels.class, "scale", LINEAR, buffer("x"), integer("n"), real("factor")),
    COPY(ClProgram.COPY, ClElementwiseKernels.class, "copy", LINEAR, buffer("out"), buffer("inp"), integer("n")),
    ADD(ClProgram.ADD, ClElementwiseKernels.class, "add", LINEAR, buffer("out"), buffer("a"), buffer("b"),
            integer("n")),
    STAGE_IN(ClProgram.STAGE_IN, ClElementwiseKernels.class, "stageIn", LINEAR, buffer("out"), integer("n")),
    STAGE_OUT(ClProgram.STAGE_OUT, ClElementwiseKernels.class, "stageOut", LINEAR, buffer("inp"), integer("n")),
    GELU_FORWARD(ClProgram.GELU_FORWARD, ClElementwiseKernels.class, "geluForward", LINEAR, buffer("out"),
            buffer("inp"), integer("n")),
    GELU_BACKWARD(ClProgram.GELU_BACKWARD, ClElementwiseKernels.class, "geluBackward", LINEAR, buffer("dinp"),
            buffer("inp"), buffer("dout"), integer("n")),
    ADAMW(ClProgram.ADAMW, ClElementwiseKernels.class, "adamW", LINEAR, buffer("params"), buffer("grads"),
            buffer("firstMoment"), buffer("secondMoment"), integer("n"), real("lr"), real("beta1"), real("beta2"),
            real("eps"), real("weightDecay"), real("correction")),
    SUM_OF_SQUARES(ClProgram.SUM_OF_SQUARES, ClElementwiseKernels.class, "sumOfSquares", LINEAR, buffer("out"),
            buffer("inp"), integer("n")),
    ENCODER_FORWARD(ClProgram.ENCODER_FORWARD, ClLayerKernels.class, "encoderForward", LINEAR, buffer("out"),
            buffer("wte"), buffer("wpe"), integer("n"), integer("t"), integer("c"), real("multiplier")),
    ENCODER_BACKWARD(ClProgram.ENCODER_BACKWARD, ClLayerKernels.class, "encoderBackward", LINEAR, buffer("dwte"),
            buffer("dwpe"), buffer("dout"), integer("unique"), integer("b"), integer("t"), integer("c"),
            real("multiplier")),
    LAYER_NORM_FORWARD(ClProgram.LAYER_NORM_FORWARD, ClLayerKernels.class, "layerNormForward", LINEAR,
            buffer("out"), buffer("mean"), buffer("rstd"), buffer("inp"), buffer("weight"), buffer("bias"),
            integer("c"), real("eps")),
    LAYER_NORM_BACKWARD_INPUT(ClProgram.LAYER_NORM_BACKWARD_INPUT, ClLayerKernels.class, "layerNormBackwardInput",
            LINEAR, buffer("dinp"), buffer("dout"), buffer("inp"), buffer("weight"), buffer("mean"), buffer("rstd"),
            integer("c")),
    GEMM(ClProgram.GEMM, ClProductKernels.class, "gemm", BLOCKED, buffer("out"), integer("outRowStride"),
            integer("outBatchStride"), buffer("a"), integer("aRowStride"), integer("aColStride"),
            integer("aBatchStride"), buffer("b"), integer("bRowStride"), integer("bColStride"),
            integer("bBatchStride"), buffer("bias"), integer("hasBias"), integer("rows"), integer("cols"),
            integer("inner"), integer("accumulate"), integer("causal")),
    GEMM_ROWS(ClProgram.GEMM_ROWS, ClProductKernels.class, "gemmRows", LINEAR, buffer("out"), buffer("a"),
            integer("aRowStride"), integer("aColStride"), buffer("b"), integer("bRowStride"), integer("bColStride"),
            buffer("bias"), integer("hasBias"), integer("rows"), integer("cols"), integer("inner"),
            integer("accumulate")),
    COLUMN_CHUNK_SUMS(ClProgram.COLUMN_CHUNK_SUMS, ClLayerKernels.class, "columnChunkSums", LINEAR,
            buffer("partials"), buffer("dout"), buffer("inp"), buffer("mean"), buffer("rstd"), integer("n"),
            integer("rows"), integer("cols"), integer("chunkRows"), integer("normed")),
    COLUMN_CHUNKS_ACCUMULATE(ClProgram.COLUMN_CHUNKS_ACCUMULATE, ClLayerKernels.class, "columnChunksAccumulate",
            LINEAR, buffer("dsum"), buffer("dweighted"), buffer("partials"), integer("cols"), integer("chunks"),
            integer("normed")),
    CROSS_ENTROPY_ROWS(ClProgram.CROSS_ENTROPY_ROWS, ClLayerKernels.class, "crossEntropyRows", LINEAR,
            buffer("losses"), buffer("out"), buffer("logits"), integer("rows"), integer("v"), real("scale"),
            real("dloss"), integer("gradient")),
    CROSS_ENTROPY_BACKWARD(ClProgram.CROSS_ENTROPY_BACKWARD, ClLayerKernels.class, "crossEntropyBackward", LINEAR,
            buffer("dlogits"), buffer("probs"), integer("n"), integer("v"), real("scale"), real("dloss")),
    ATTENTION_PREFIX_SOFTMAX(ClProgram.ATTENTION_PREFIX_SOFTMAX, ClAttentionKernels.class, "attentionPrefixSoftmax",
            LINEAR, buffer("att"), buffer("qkv"), buffer("prefix"), integer("rows"), integer("b"), integer("t"),
            integer("c"), integer("nh"), integer("keys"), real("scale")),
    ATTENTION_PREFIX_VALUES(ClProgram.ATTENTION_PREFIX_VALUES, ClAttentionKernels.class, "attentionPrefixValues",
            LINEAR, buffer("out"), buffer("att"), buffer("qkv"), buffer("prefix"), integer("n"), integer("b"),
            integer("t"), integer("c"), integer("nh"), integer("keys")),
    CACHE_WRITE_POSITIONS(ClProgram.CACHE_WRITE_POSITIONS, ClAttentionKernels.class, "cacheWritePositions", LINEAR,
            buffer("kcache"), buffer("vcache"), buffer("qkv"), integer("n"), integer("b"), integer("maxT"),
            integer("pos"), integer("c")),
    ATTENTION_CACHED_SOFTMAX(ClProgram.ATTENTION_CACHED_SOFTMAX, ClAttentionKernels.class, "attentionCachedSoftmax",
            LINEAR, buffer("att"), buffer("qkv"), buffer("kcache"), integer("rows"), integer("b"), integer("maxT"),
            integer("pos"), integer("c"), integer("nh"), integer("keys"), real("scale")),
    ATTENTION_CACHED_VALUES(ClProgram.ATTENTION_CACHED_VALUES, ClAttentionKernels.class, "attentionCachedValues",
            LINEAR, buffer("out"), buffer("att"), buffer("vcache"), integer("n"), integer("b"), integer("maxT"),
            integer("pos"), integer("c"), integer("nh"), integer("keys")),
    ATTENTION_SOFTMAX_ROWS(ClProgram.ATTENTION_SOFTMAX_ROWS, ClAttentionKernels.class, "attentionSoftmaxRows",
            LINEAR, buffer("att"), integer("t"), real("scale")),
    ATTENTION_SOFTMAX_BACKWARD_ROWS(ClProgram.ATTENTION_SOFTMAX_BACKWARD_ROWS, ClAttentionKernels.class,
            "attentionSoftmaxBackwardRows", LINEAR, buffer("dpre"), buffer("att"), integer("t"), real("scale"));

    /** How a kernel is launched: 1-D in groups of {@link ClDeviceArrays#GROUP}, or 2-D in GEMM blocks. */
    enum Shape {
        LINEAR,
        BLOCKED
    }

    /** What an argument is: an arena offset ({@code int}), another {@code int}, or a {@code float}. */
    enum Kind {
        BUFFER,
        INT,
        FLOAT
    }

    /** One parameter of a kernel: its name in the kernel method and its kind. */
    record Param(String name, Kind kind) {
        static Param buffer(String name) {
            return new Param(name, Kind.BUFFER);
        }

        static Param integer(String name) {
            return new Param(name, Kind.INT);
        }

        static Param real(String name) {
            return new Param(name, Kind.FLOAT);
        }

        /** Whether the argument travels in an {@code int} register (buffers and ints) rather than a float one. */
        boolean isInt() {
            return kind != Kind.FLOAT;
        }
    }

    private final int code;
    private final Class<? extends ClDeviceArrays> family;
    private final String entry;
    private final Shape shape;
    private final List<Param> params;

    ClKernel(int code, Class<? extends ClDeviceArrays> family, String entry, Shape shape, Param... params) {
        this.code = code;
        this.family = family;
        this.entry = entry;
        this.shape = shape;
        this.params = List.of(params);
    }

    /** The op code {@link ClProgram#run()} dispatches on. */
    int code() {
        return code;
    }

    /** The class that defines the kernel method. */
    Class<? extends ClDeviceArrays> family() {
        return family;
    }

    /** The kernel method's name, also the name in error messages. */
    String entry() {
        return entry;
    }

    /** The parameter list, in order. */
    List<Param> params() {
        return params;
    }

    /**
     * Checks that the kernel is launched in its shape.
     *
     * @throws IllegalArgumentException otherwise
     */
    void checkShape(Shape launched) {
        if (launched != shape) {
            throw new IllegalArgumentException(entry + " is a " + shape + " kernel, launched as " + launched);
        }
    }
}
