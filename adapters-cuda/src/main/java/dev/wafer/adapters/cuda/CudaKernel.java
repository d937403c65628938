package dev.wafer.adapters.cuda;

import static dev.wafer.adapters.cuda.CudaKernel.Param.FLOAT;
import static dev.wafer.adapters.cuda.CudaKernel.Param.INT;
import static dev.wafer.adapters.cuda.CudaKernel.Param.POINTER;

import java.util.List;

/**
 * Every kernel of the backend: the resource file that defines it, its {@code extern "C"} entry name and its
 * parameter list, which launches are checked against ({@link KernelArgs}) and which a test compares with the
 * signature parsed from the {@code .cu} source. Kernels with a {@code __shared__} reduction tree need exactly the
 * block size they were written for; warp-per-row kernels need whole warps.
 */
enum CudaKernel {
    FILL("elementwise.cu", "fill_kernel", 1, POINTER, INT, FLOAT),
    SCALE("elementwise.cu", "scale_kernel", 1, POINTER, INT, FLOAT),
    RESIDUAL_FORWARD("elementwise.cu", "residual_forward", 1, POINTER, POINTER, POINTER, INT),
    GELU_FORWARD("elementwise.cu", "gelu_forward", 1, POINTER, POINTER, INT),
    GELU_BACKWARD("elementwise.cu", "gelu_backward", 1, POINTER, POINTER, POINTER, INT),
    GELU_FORWARD_FAST("elementwise.cu", "gelu_forward_fast", 1, POINTER, POINTER, INT),
    GELU_FORWARD_FAST_BF16("elementwise.cu", "gelu_forward_fast_bf16", 1, POINTER, POINTER, INT),
    GELU_BACKWARD_FAST("elementwise.cu", "gelu_backward_fast", 1, POINTER, POINTER, POINTER, INT),
    ENCODER_FORWARD("encoder.cu", "encoder_forward", 1, POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    ENCODER_BACKWARD_POSITIONS("encoder.cu", "encoder_backward_positions", 1, POINTER, POINTER, INT, INT, INT,
            FLOAT),
    ENCODER_BACKWARD_TOKENS("encoder.cu", "encoder_backward_tokens", 1, POINTER, POINTER, POINTER, INT, INT, FLOAT),
    ENCODER_BACKWARD_BUCKETS("encoder.cu", "encoder_backward_buckets", 1, POINTER, POINTER, INT, POINTER, INT, FLOAT),
    LAYERNORM_FORWARD("layernorm.cu", "layernorm_forward", 32, POINTER, POINTER, POINTER, POINTER, POINTER, POINTER,
            INT, INT, FLOAT),
    LAYERNORM_FORWARD_BF16("layernorm.cu", "layernorm_forward_bf16", 32, POINTER, POINTER, POINTER, POINTER, POINTER,
            POINTER, INT, INT, FLOAT),
    LAYERNORM_BACKWARD_INPUT("layernorm.cu", "layernorm_backward_input", 32, POINTER, POINTER, POINTER, POINTER,
            POINTER, POINTER, INT, INT),
    LAYERNORM_PARAM_PARTIALS("layernorm.cu", "layernorm_param_partials", 1, POINTER, POINTER, POINTER, POINTER,
            POINTER, INT, INT, INT, INT),
    LAYERNORM_BACKWARD_PARAMS("layernorm.cu", "layernorm_backward_params", LaunchGeometry.BLOCK, POINTER, POINTER,
            POINTER, INT, INT),
    ADD_BIAS("matmul.cu", "add_bias", 1, POINTER, POINTER, INT, INT),
    ADD_BIAS_ROWS("matmul.cu", "add_bias_rows", 1, POINTER, POINTER, INT, INT),
    ADD_BIAS_BF16("matmul.cu", "add_bias_bf16", 1, POINTER, POINTER, POINTER, INT, INT),
    COLUMN_PARTIAL_SUMS("matmul.cu", "column_partial_sums", 1, POINTER, POINTER, INT, INT, INT),
    COLUMN_SUM_ACCUMULATE("matmul.cu", "column_sum_accumulate", LaunchGeometry.BLOCK, POINTER, POINTER, INT, INT),
    ATTENTION_SOFTMAX("attention.cu", "attention_softmax", 1, POINTER, POINTER, INT, INT, INT, INT, FLOAT, INT),
    ATTENTION_VALUES("attention.cu", "attention_values", 1, POINTER, POINTER, POINTER, INT, INT, INT, INT),
    ATTENTION_SCORE_GRADIENT("attention.cu", "attention_score_gradient", 1, POINTER, POINTER, POINTER, POINTER, INT,
            INT, INT, INT, FLOAT, INT),
    ATTENTION_QKV_GRADIENT("attention.cu", "attention_qkv_gradient", 1, POINTER, POINTER, POINTER, POINTER, POINTER,
            INT, INT, INT, INT),
    ATTENTION_CACHED("attention.cu", "attention_cached", 1, POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    ATTENTION_AFTER_PREFIX("attention.cu", "attention_after_prefix", 32, POINTER, POINTER, POINTER, POINTER, INT, INT,
            INT, INT, FLOAT),
    CACHE_WRITE_POSITIONS("attention.cu", "cache_write_positions", 1, POINTER, POINTER, POINTER, INT, INT, INT, INT,
            INT),
    ATTENTION_CACHED_POSITIONS("attention.cu", "attention_cached_positions", 32, POINTER, POINTER, POINTER, POINTER,
            INT, INT, INT, INT, INT, INT, FLOAT),
    ATTENTION_SOFTMAX_ROWS("attention.cu", "attention_softmax_rows", 32, POINTER, INT, INT, INT),
    ATTENTION_SOFTMAX_ROWS_BF16("attention.cu", "attention_softmax_rows_bf16", 32, POINTER, POINTER, INT, INT),
    ATTENTION_SOFTMAX_BACKWARD_ROWS("attention.cu", "attention_softmax_backward_rows", 32, POINTER, POINTER, INT,
            INT, FLOAT, INT),
    ATTENTION_SOFTMAX_BACKWARD_ROWS_BF16("attention.cu", "attention_softmax_backward_rows_bf16", 32, POINTER, POINTER,
            INT, INT, FLOAT, INT),
    ATTENTION_SOFTMAX_BACKWARD_ROWS_PACKED("attention.cu", "attention_softmax_backward_rows_packed", 32, POINTER,
            POINTER, POINTER, INT, INT, FLOAT, INT),
    ATTENTION_SOFTMAX_BACKWARD_ROWS_PACKED_BF16("attention.cu", "attention_softmax_backward_rows_packed_bf16", 32,
            POINTER, POINTER, POINTER, INT, INT, FLOAT, INT),
    CROSSENTROPY_FORWARD("crossentropy.cu", "crossentropy_forward", 0, POINTER, POINTER, POINTER, POINTER, INT, INT,
            FLOAT),
    CROSSENTROPY_BACKWARD("crossentropy.cu", "crossentropy_backward", 1, POINTER, POINTER, POINTER, INT, INT, FLOAT,
            FLOAT),
    CROSSENTROPY_FORWARD_ONLINE("crossentropy.cu", "crossentropy_forward_online", 0, POINTER, POINTER, POINTER,
            POINTER, INT, INT, FLOAT),
    CROSSENTROPY_FORWARD_BACKWARD_ONLINE("crossentropy.cu", "crossentropy_forward_backward_online", 0, POINTER,
            POINTER, POINTER, POINTER, INT, INT, FLOAT, FLOAT),
    CROSSENTROPY_BACKWARD_ROWS("crossentropy.cu", "crossentropy_backward_rows", 1, POINTER, POINTER, POINTER, INT,
            INT, FLOAT, FLOAT),
    ADAMW_UPDATE("adamw.cu", "adamw_update", 1, POINTER, POINTER, POINTER, POINTER, INT, FLOAT, FLOAT, FLOAT, FLOAT,
            FLOAT, FLOAT),
    SUM_OF_SQUARES_PARTIALS("reduction.cu", "sum_of_squares_partials", CudaReductions.BLOCK, POINTER, POINTER, INT),
    SUM_OF_SQUARES_TOTAL("reduction.cu", "sum_of_squares_total", CudaReductions.BLOCK, POINTER, POINTER, INT),
    ROUND_OPERANDS("rounding.cu", "round_operands", 1, POINTER, POINTER, INT, INT),
    PACK_OPERANDS("rounding.cu", "pack_operands", 1, POINTER, POINTER, INT, INT),
    PACK_OPERANDS_ROWS("rounding.cu", "pack_operands_rows", 1, POINTER, POINTER, INT, INT, INT, INT),
    PACK_ROWS_COLUMN_SUMS("rounding.cu", "pack_rows_column_sums", 1, POINTER, POINTER, POINTER, INT, INT, INT, INT,
            INT),
    WIDEN_BF16("rounding.cu", "widen_bf16", 1, POINTER, POINTER, INT),
    FLASH_ATTENTION_FORWARD_64("flash_attention.cu", "flash_attention_forward_64", CudaKernel.FLASH, POINTER, POINTER, POINTER,
            INT, INT, INT, FLOAT),
    FLASH_ATTENTION_FORWARD_128("flash_attention.cu", "flash_attention_forward_128", CudaKernel.FLASH, POINTER, POINTER, POINTER,
            INT, INT, INT, FLOAT),
    FLASH_ATTENTION_ROW_DOTS("flash_attention.cu", "flash_attention_row_dots", 32, POINTER, POINTER, POINTER, INT, INT,
            INT, INT),
    FLASH_ATTENTION_BACKWARD_KEYS_64("flash_attention.cu", "flash_attention_backward_keys_64", CudaKernel.FLASH, POINTER,
            POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_BACKWARD_KEYS_128("flash_attention.cu", "flash_attention_backward_keys_128", CudaKernel.FLASH, POINTER,
            POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_BACKWARD_QUERIES_64("flash_attention.cu", "flash_attention_backward_queries_64", CudaKernel.FLASH, POINTER,
            POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_BACKWARD_QUERIES_128("flash_attention.cu", "flash_attention_backward_queries_128", CudaKernel.FLASH, POINTER,
            POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_F32_FORWARD("flash_attention_f32.cu", "flash_attention_f32_forward", CudaKernel.FLASH, POINTER,
            POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_F32_ROW_DOTS("flash_attention_f32.cu", "flash_attention_f32_row_dots", 32, POINTER, POINTER,
            POINTER, INT, INT, INT, INT),
    FLASH_ATTENTION_F32_BACKWARD_KEYS("flash_attention_f32.cu", "flash_attention_f32_backward_keys", CudaKernel.FLASH,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    FLASH_ATTENTION_F32_BACKWARD_QUERIES("flash_attention_f32.cu", "flash_attention_f32_backward_queries",
            CudaKernel.FLASH, POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, INT, FLOAT),
    GEMM_TILED("gemm.cu", "gemm_tiled", -TiledGemm.TILE, POINTER, POINTER, POINTER, INT, INT, INT, INT, INT, INT, INT,
            INT, INT);

    /** The block size {@code crossentropy_forward}'s shared-memory tree is written for ({@code WAFER_CE_BLOCK}). */
    static final int CROSS_ENTROPY_BLOCK = 256;
    /** The block of the fused attention kernels: four warps of 16 rows each ({@code FA_WARPS}, {@code FA_ROWS}). */
    static final int FLASH_BLOCK = 128;
    /** The block requirement "exactly {@link #FLASH_BLOCK} x 1 threads". */
    private static final int FLASH = Integer.MIN_VALUE;

    /** A kernel parameter as the launcher packs it: device pointers are 8 bytes, {@code int} and {@code float} 4. */
    enum Param {
        POINTER,
        INT,
        FLOAT
    }

    private final String source;
    private final String entry;
    private final int blockMultiple;
    private final List<Param> params;

    /**
     * @param blockMultiple the block size must be a multiple of this (32: whole warps); 0: exactly
     *                      {@link #CROSS_ENTROPY_BLOCK}; {@code -t}: exactly {@code t x t} (a GEMM tile);
     *                      {@link #FLASH}: exactly {@link #FLASH_BLOCK} x 1
     */
    CudaKernel(String source, String entry, int blockMultiple, Param... params) {
        this.source = source;
        this.entry = entry;
        this.blockMultiple = blockMultiple;
        this.params = List.of(params);
    }

    /** The resource file under {@code kernels/}, e.g. {@code layernorm.cu}. */
    String source() {
        return source;
    }

    /** The {@code extern "C"} name, which is also the PTX {@code .entry}. */
    String entry() {
        return entry;
    }

    /** The parameter list, in order. */
    List<Param> params() {
        return params;
    }

    /** The most threads a block of this kernel can have: its exact block, or {@link LaunchGeometry#MAX_THREADS}. */
    int largestBlock() {
        if (blockMultiple == FLASH) {
            return FLASH_BLOCK;
        }
        if (blockMultiple == 0) {
            return CROSS_ENTROPY_BLOCK;
        }
        return blockMultiple < 0 ? blockMultiple * blockMultiple : LaunchGeometry.MAX_THREADS;
    }

    /**
     * Checks that {@code geometry} suits this kernel's block-size requirement.
     *
     * @throws IllegalArgumentException otherwise
     */
    void checkGeometry(LaunchGeometry geometry) {
        int threads = geometry.blockX() * geometry.blockY();
        if (blockMultiple == FLASH) {
            if (geometry.blockX() != FLASH_BLOCK || geometry.blockY() != 1) {
                throw new IllegalArgumentException(entry + " needs blocks of exactly " + FLASH_BLOCK + " x 1 threads, not "
                        + geometry.blockX() + " x " + geometry.blockY());
            }
            return;
        }
        if (blockMultiple == 0 && threads != CROSS_ENTROPY_BLOCK) {
            throw new IllegalArgumentException(entry + " needs blocks of exactly " + CROSS_ENTROPY_BLOCK
                    + " threads, not " + threads);
        }
        if (blockMultiple < 0 && (geometry.blockX() != -blockMultiple || geometry.blockY() != -blockMultiple)) {
            throw new IllegalArgumentException(entry + " needs blocks of " + -blockMultiple + " x " + -blockMultiple
                    + " threads, not " + geometry.blockX() + " x " + geometry.blockY());
        }
        if (blockMultiple > 1 && threads % blockMultiple != 0) {
            throw new IllegalArgumentException(entry + " needs blocks of a multiple of " + blockMultiple
                    + " threads, not " + threads);
        }
    }
}
