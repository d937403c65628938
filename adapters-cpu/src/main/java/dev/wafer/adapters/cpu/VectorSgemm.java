package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked, packed SGEMM on the Vector API (Goto/BLIS structure): B is packed into panels of {@link #NR} columns
 * per {@link #KC}-deep slab, A into panels of {@link #MR} rows per worker, and an {@code MR x NR} register
 * tile (16 accumulator vectors for 512-bit vectors) does {@code 2*MR*NR} flops per k for two vector loads.
 * The same 8-row tile serves AVX2, though its 19 live vectors exceed AVX2's 16 registers: a 6-row tile (15
 * vectors, the textbook AVX2 shape) was measured slower on an AVX2-only AMD EPYC (2026-12-08, {@code wafer bench
 * --gemm 1024x3072x768}: 32.1-32.3 GFLOP/s on 1 thread against 36.4-39.9, 58.4-61.5 on 2 against 57.3-65.2).
 * Rows of C are split over the workers. Packing also absorbs the transposes, so the micro-kernel sees one layout.
 * Buffers are allocated once and grow only when a larger slab is needed; none are allocated per call.
 */
final class VectorSgemm implements Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    /** One A column of a panel: MR floats. */
    private static final VectorSpecies<Float> SA = FloatVector.SPECIES_256;
    static final int NR = 2 * L;
    /** Depth of a slab: one slab covers K = 768 whole, so C tiles are loaded and stored once per 768 FMAs (the C
     * traffic, not the panels, limited K = 256); MC*KC floats of A (384 KiB) and a KC*NR B panel stay in L2. */
    static final int KC = 768;
    /** Rows of A per block: MC*KC floats stay in L2. */
    static final int MC = 128;
    /** Columns of B per slab: KC*NC floats (12 MiB) are shared by all workers from L3. */
    static final int NC = 4096;

    private final Parallel parallel;
    private final float[][] packedA;
    private final float[][] edgeTile;
    private final NarrowProduct narrow;
    private float[] packedB = new float[0];

    VectorSgemm(Parallel parallel) {
        this.parallel = parallel;
        this.narrow = new NarrowProduct(parallel);
        int w = parallel.workers();
        this.packedA = new float[w][MC * KC];
        this.edgeTile = new float[w][MR * NR];
    }

    @Override
    public String describe() {
        return "vector " + L + " lanes, " + MR + "x" + NR + " tile";
    }

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        if (NarrowProduct.accepts(transB, m)) {
            narrow.gemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int ncMax = Math.min(NC, roundUp(n, NR));
        if (packedB.length < KC * ncMax) {
            packedB = new float[KC * ncMax];
        }
        float[] pb = packedB;
        int mcBlock = rowsPerBlock(m, parallel.workers());
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean acc = accumulate || pc > 0;
                int jc0 = jc;
                int pc0 = pc;
                parallel.range(panels, 8, (w, from, to) -> {
                    for (int panel = from; panel < to; panel++) {
                        packB(transB, b, bOff, ldb, pc0, kc, jc0 + panel * NR, Math.min(NR, nc - panel * NR),
                                pb, panel * NR * kc);
                    }
                });
                int blocks = (m + mcBlock - 1) / mcBlock;
                parallel.range(blocks, 1, (w, from, to) -> {
                    float[] pa = packedA[w];
                    float[] tile = edgeTile[w];
                    for (int blk = from; blk < to; blk++) {
                        int ic = blk * mcBlock;
                        int mc = Math.min(mcBlock, m - ic);
                        packA(transA, a, aOff, lda, ic, mc, pc0, kc, pa, 0);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                int cIdx = cOff + (ic + ir) * ldc + jc0 + jr;
                                if (mr == MR && nr == NR) {
                                    kernel(kc, pa, ir * kc, pb, jr * kc, c, cIdx, ldc, acc);
                                } else {
                                    kernel(kc, pa, ir * kc, pb, jr * kc, tile, 0, NR, false);
                                    for (int r = 0; r < mr; r++) {
                                        int row = cIdx + r * ldc;
                                        for (int j = 0; j < nr; j++) {
                                            c[row + j] = acc ? c[row + j] + tile[r * NR + j] : tile[r * NR + j];
                                        }
                                    }
                                }
                            }
                        }
                    }
                });
            }
        }
    }

    /**
     * Rows of A per block: whole tiles, at most {@link #MC}, in a number of blocks that the workers share evenly.
     * Blocks are the unit of work, so 300 rows as blocks of 128, 128 and 44 kept one of two workers idle for most of
     * the product; as four blocks of 80 (the last 60) they split 160/140. Rows of C never depend on the blocking.
     */
    static int rowsPerBlock(int m, int workers) {
        int blocks = roundUp((m + MC - 1) / MC, workers);
        return roundUp((m + blocks - 1) / blocks, MR);
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * Packs rows [ic, ic+mc) x depth [pc, pc+kc) of op(A) as MR-row panels, k-major, zero-padded, from
     * {@code pa[paOff]}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] pa,
                      int paOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = paOff + ir * kc;
            int mr = Math.min(MR, mc - ir);
            if (transA && mr == MR) {
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(SA, a, aOff + (pc + p) * lda + ic + ir).intoArray(pa, base + p * MR);
                }
            } else if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        pa[dst + r] = a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        pa[dst + r] = 0f;
                    }
                }
            } else if (mr == MR) {
                // Eight rows side by side: contiguous stores, eight sequential read streams.
                int s0 = aOff + (ic + ir) * lda + pc;
                int s1 = s0 + lda;
                int s2 = s1 + lda;
                int s3 = s2 + lda;
                int s4 = s3 + lda;
                int s5 = s4 + lda;
                int s6 = s5 + lda;
                int s7 = s6 + lda;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    pa[dst] = a[s0 + p];
                    pa[dst + 1] = a[s1 + p];
                    pa[dst + 2] = a[s2 + p];
                    pa[dst + 3] = a[s3 + p];
                    pa[dst + 4] = a[s4 + p];
                    pa[dst + 5] = a[s5 + p];
                    pa[dst + 6] = a[s6 + p];
                    pa[dst + 7] = a[s7 + p];
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (ic + ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            pa[base + p * MR + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            pa[base + p * MR + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** Packs depth [pc, pc+kc) x columns [j0, j0+nr) of op(B) as one NR-wide panel, k-major, zero-padded. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int j0, int nr,
                              float[] pb, int dst) {
        if (transB && nr == NR && NR % Transpose8.SIDE == 0 && Transpose8.NATIVE) {
            // A full panel: 8 x 8 blocks transposed in registers, then the depths left over one by one.
            int whole = kc - kc % Transpose8.SIDE;
            for (int g = 0; g < NR; g += Transpose8.SIDE) {
                int src = bOff + (j0 + g) * ldb + pc;
                for (int p = 0; p < whole; p += Transpose8.SIDE) {
                    Transpose8.block(b, src + p, ldb, pb, dst + p * NR + g, NR);
                }
                for (int j = g; j < g + Transpose8.SIDE; j++) {
                    int row = bOff + (j0 + j) * ldb + pc;
                    for (int p = whole; p < kc; p++) {
                        pb[dst + p * NR + j] = b[row + p];
                    }
                }
            }
        } else if (transB) {
            for (int j = 0; j < NR; j++) {
                if (j < nr) {
                    int src = bOff + (j0 + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        pb[dst + p * NR + j] = b[src + p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        pb[dst + p * NR + j] = 0f;
                    }
                }
            }
        } else if (nr == NR) {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + j0;
                int d = dst + p * NR;
                FloatVector.fromArray(S, b, src).intoArray(pb, d);
                FloatVector.fromArray(S, b, src + L).intoArray(pb, d + L);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + j0;
                int d = dst + p * NR;
                System.arraycopy(b, src, pb, d, nr);
                for (int j = nr; j < NR; j++) {
                    pb[d + j] = 0f;
                }
            }
        }
    }

    /** C[MR x NR] (+)= Apanel · Bpanel over depth kc; all of the tile lives in registers. */
    private static void kernel(int kc, float[] pa, int paOff, float[] pb, int pbOff, float[] c, int cOff, int ldc,
                               boolean accumulate) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector a;
        for (int p = 0; p < kc; p++) {
            int bi = pbOff + p * NR;
            int ai = paOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            a = FloatVector.broadcast(S, pa[ai + 0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        if (accumulate) {
            c00.add(FloatVector.fromArray(S, c, cOff + 0 * ldc)).intoArray(c, cOff + 0 * ldc);
            c01.add(FloatVector.fromArray(S, c, cOff + 0 * ldc + L)).intoArray(c, cOff + 0 * ldc + L);
            c10.add(FloatVector.fromArray(S, c, cOff + 1 * ldc)).intoArray(c, cOff + 1 * ldc);
            c11.add(FloatVector.fromArray(S, c, cOff + 1 * ldc + L)).intoArray(c, cOff + 1 * ldc + L);
            c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
            c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
            c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
            c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
            c40.add(FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
            c41.add(FloatVector.fromArray(S, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
            c50.add(FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
            c51.add(FloatVector.fromArray(S, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
            c60.add(FloatVector.fromArray(S, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
            c61.add(FloatVector.fromArray(S, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
            c70.add(FloatVector.fromArray(S, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
            c71.add(FloatVector.fromArray(S, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
        } else {
            c00.intoArray(c, cOff + 0 * ldc);
            c01.intoArray(c, cOff + 0 * ldc + L);
            c10.intoArray(c, cOff + 1 * ldc);
            c11.intoArray(c, cOff + 1 * ldc + L);
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + L);
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + L);
            c40.intoArray(c, cOff + 4 * ldc);
            c41.intoArray(c, cOff + 4 * ldc + L);
            c50.intoArray(c, cOff + 5 * ldc);
            c51.intoArray(c, cOff + 5 * ldc + L);
            c60.intoArray(c, cOff + 6 * ldc);
            c61.intoArray(c, cOff + 6 * ldc + L);
            c70.intoArray(c, cOff + 7 * ldc);
            c71.intoArray(c, cOff + 7 * ldc + L);
        }
    }
}
