package dev.wafer.adapters.opencl;

/**
 * The backend's one Aparapi kernel: {@link #run()} calls the kernel method that {@link #op} names, passing the
 * launch's arguments from the registers {@link #load} filled from a checked {@link ClArgs}.
 *
 * <p><b>Why registers and one dispatch.</b> Aparapi compiles a single entry point per kernel instance and passes
 * only fields to it, and there must be one instance (see {@link ClDeviceArrays}). So a launch's arguments reach
 * the device as scalar fields, set per launch like {@code clSetKernelArg}: ints and buffer offsets in
 * {@code i0..i12}, floats in {@code f0..f5}, in the order of the kernel's parameter list ({@link ClKernel}).
 * Nothing but {@link #load} writes them and nothing but the dispatch below reads them; every kernel method takes
 * named, typed parameters, and {@code ClKernelSignatureTest} checks the table against each method's signature and
 * against the registers this dispatch passes.
 */
final class ClProgram extends ClAttentionKernels {
    static final int FILL = 0;
    static final int SCALE = 1;
    static final int COPY = 2;
    static final int ADD = 3;
    static final int STAGE_IN = 4;
    static final int STAGE_OUT = 5;
    static final int ENCODER_FORWARD = 6;
    static final int ENCODER_BACKWARD = 7;
    static final int LAYER_NORM_FORWARD = 8;
    static final int LAYER_NORM_BACKWARD_INPUT = 9;
    static final int COLUMN_CHUNK_SUMS = 10;
    static final int GEMM = 11;
    static final int COLUMN_CHUNKS_ACCUMULATE = 12;
    static final int ATTENTION_SOFTMAX_ROWS = 13;
    static final int ATTENTION_SOFTMAX_BACKWARD_ROWS = 14;
    static final int GELU_FORWARD = 17;
    static final int GELU_BACKWARD = 18;
    static final int CROSS_ENTROPY_ROWS = 19;
    static final int CROSS_ENTROPY_BACKWARD = 20;
    static final int ADAMW = 21;
    static final int SUM_OF_SQUARES = 22;
    static final int ATTENTION_PREFIX_SOFTMAX = 23;
    static final int ATTENTION_PREFIX_VALUES = 24;
    static final int CACHE_WRITE_POSITIONS = 25;
    static final int ATTENTION_CACHED_SOFTMAX = 26;
    static final int ATTENTION_CACHED_VALUES = 27;
    static final int GEMM_ROWS = 28;

    /** Int registers: the most ints and buffers any kernel takes (the GEMM). */
    static final int INT_REGISTERS = 18;
    /** Float registers: the most floats any kernel takes (AdamW). */
    static final int FLOAT_REGISTERS = 6;

    int op;
    int i0;
    int i1;
    int i2;
    int i3;
    int i4;
    int i5;
    int i6;
    int i7;
    int i8;
    int i9;
    int i10;
    int i11;
    int i12;
    int i13;
    int i14;
    int i15;
    int i16;
    int i17;
    float f0;
    float f1;
    float f2;
    float f3;
    float f4;
    float f5;

    ClProgram(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /** Sets the op code and registers of the next launch from complete, checked arguments. */
    void load(ClArgs args) {
        args.checkComplete();
        op = args.kernel().code();
        i0 = args.intRegister(0);
        i1 = args.intRegister(1);
        i2 = args.intRegister(2);
        i3 = args.intRegister(3);
        i4 = args.intRegister(4);
        i5 = args.intRegister(5);
        i6 = args.intRegister(6);
        i7 = args.intRegister(7);
        i8 = args.intRegister(8);
        i9 = args.intRegister(9);
        i10 = args.intRegister(10);
        i11 = args.intRegister(11);
        i12 = args.intRegister(12);
        i13 = args.intRegister(13);
        i14 = args.intRegister(14);
        i15 = args.intRegister(15);
        i16 = args.intRegister(16);
        i17 = args.intRegister(17);
        f0 = args.floatRegister(0);
        f1 = args.floatRegister(1);
        f2 = args.floatRegister(2);
        f3 = args.floatRegister(3);
        f4 = args.floatRegister(4);
        f5 = args.floatRegister(5);
    }

    @Override
    public void run() {
        if (op == GEMM) {
            gemm(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17);
        } else if (op == FILL) {
            fill(i0, i1, f0);
        } else if (op == SCALE) {
            scale(i0, i1, f0);
        } else if (op == COPY) {
            copy(i0, i1, i2);
        } else if (op == ADD) {
            add(i0, i1, i2, i3);
        } else if (op == STAGE_IN) {
            stageIn(i0, i1);
        } else if (op == STAGE_OUT) {
            stageOut(i0, i1);
        } else if (op == ENCODER_FORWARD) {
            encoderForward(i0, i1, i2, i3, i4, i5, f0);
        } else if (op == ENCODER_BACKWARD) {
            encoderBackward(i0, i1, i2, i3, i4, i5, i6, f0);
        } else if (op == LAYER_NORM_FORWARD) {
            layerNormForward(i0, i1, i2, i3, i4, i5, i6, f0);
        } else if (op == LAYER_NORM_BACKWARD_INPUT) {
            layerNormBackwardInput(i0, i1, i2, i3, i4, i5, i6);
        } else if (op == COLUMN_CHUNK_SUMS) {
            columnChunkSums(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9);
        } else if (op == COLUMN_CHUNKS_ACCUMULATE) {
            columnChunksAccumulate(i0, i1, i2, i3, i4, i5);
        } else if (op == ATTENTION_SOFTMAX_ROWS) {
            attentionSoftmaxRows(i0, i1, f0);
        } else if (op == ATTENTION_SOFTMAX_BACKWARD_ROWS) {
            attentionSoftmaxBackwardRows(i0, i1, i2, f0);
        } else if (op == ATTENTION_PREFIX_SOFTMAX) {
            attentionPrefixSoftmax(i0, i1, i2, i3, i4, i5, i6, i7, i8, f0);
        } else if (op == ATTENTION_PREFIX_VALUES) {
            attentionPrefixValues(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9);
        } else if (op == GEMM_ROWS) {
            gemmRows(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12);
        } else if (op == CACHE_WRITE_POSITIONS) {
            cacheWritePositions(i0, i1, i2, i3, i4, i5, i6, i7);
        } else if (op == ATTENTION_CACHED_SOFTMAX) {
            attentionCachedSoftmax(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, f0);
        } else if (op == ATTENTION_CACHED_VALUES) {
            attentionCachedValues(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9);
        } else if (op == GELU_FORWARD) {
            geluForward(i0, i1, i2);
        } else if (op == GELU_BACKWARD) {
            geluBackward(i0, i1, i2, i3);
        } else if (op == CROSS_ENTROPY_ROWS) {
            crossEntropyRows(i0, i1, i2, i3, i4, f0, f1, i5);
        } else if (op == CROSS_ENTROPY_BACKWARD) {
            crossEntropyBackward(i0, i1, i2, i3, f0, f1);
        } else if (op == ADAMW) {
            adamW(i0, i1, i2, i3, i4, f0, f1, f2, f3, f4, f5);
        } else if (op == SUM_OF_SQUARES) {
            sumOfSquares(i0, i1, i2);
        }
    }
}
