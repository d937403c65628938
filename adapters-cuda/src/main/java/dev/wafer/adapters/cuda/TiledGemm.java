package dev.wafer.adapters.cuda;

/**
 * A cuBLAS-style column-major {@link Gemm} as a launch of the built-in {@code gemm_tiled} kernel, which computes a
 * row-major {@code C'(rows, cols) = [C' +] A'·B'} over strided operands. A column-major {@code C(m, n)} with
 * leading dimension {@code ldc} is the row-major {@code C' = Cᵀ (n, m)}, and {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, so
 * {@code A'(i, k) = op(B)(k, i)} and {@code B'(k, j) = op(A)(j, k)}, each read through its strides. Used instead of
 * cuBLAS when {@code WAFER_CUDA_GEMM=builtin}; only {@code alpha = 1} and {@code beta} 0 or 1 occur.
 */
final class TiledGemm {
    /** The tile edge of {@code gemm.cu} ({@code WAFER_TILE}); blocks are {@code TILE x TILE}. */
    static final int TILE = 16;

    private TiledGemm() {
    }

    /** The launch geometry: one tile of {@code C'} per block. */
    static LaunchGeometry geometry(Gemm g) {
        return new LaunchGeometry((g.m() + TILE - 1) / TILE, (g.n() + TILE - 1) / TILE, TILE, TILE, 0);
    }

    /**
     * The kernel's arguments for {@code g}.
     *
     * @throws IllegalArgumentException unless {@code alpha} is 1 and {@code beta} 0 or 1
     */
    static KernelArgs args(Gemm g) {
        if (g.alpha() != 1f || (g.beta() != 0f && g.beta() != 1f)) {
            throw new IllegalArgumentException("the built-in GEMM takes alpha 1 and beta 0 or 1, not " + g);
        }
        // A'(i, k) = op(B)(k, i): B(k, i) = b[k + i*ldb] untransposed, B(i, k) = b[i + k*ldb] transposed.
        int aRow = g.transB() ? 1 : g.ldb();
        int aCol = g.transB() ? g.ldb() : 1;
        // B'(k, j) = op(A)(j, k): A(j, k) = a[j + k*lda] untransposed, A(k, j) = a[k + j*lda] transposed.
        int bRow = g.transA() ? 1 : g.lda();
        int bCol = g.transA() ? g.lda() : 1;
        return KernelArgs.of(CudaKernel.GEMM_TILED).pointer(g.c()).pointer(g.b()).pointer(g.a())
                .integer(g.n()).integer(g.m()).integer(g.k()).integer(aRow).integer(aCol).integer(bRow).integer(bCol)
                .integer(g.ldc()).integer(g.beta() != 0f ? 1 : 0);
    }
}
