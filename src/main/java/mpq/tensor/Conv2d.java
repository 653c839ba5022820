package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 2-D convolution with fixed geometry and weights, run as a matrix product per image and group:
 * out[cout/g, pixels] = W[cout/g, patch] · B[patch, pixels] + bias, optionally followed by ReLU (or, for gradients,
 * added to what the output holds). The product writes the output directly, epilogue included.
 *
 * <p>Four ways to form B:
 * <ul>
 *   <li>stride 1, 1×1, no padding: B is the input itself.</li>
 *   <li>stride 1, output rows a whole number of vectors wide: the input is copied once into zero-padded planes and
 *       B is read from them in place, output row by output row ({@link Gemm#multiplyRows}): patch entry (c, ky, kx)
 *       of output pixel (y, x) sits at c·Hp·Wp + (y + ky·dH)·Wp + x + kx·dW.</li>
 *   <li>stride 1 otherwise: for each input channel c and kernel column kx, one plane holding the input shifted
 *       left by kx·dW − padLeft, outW wide, with padTop / padBottom zero rows (zeros where the shift leaves the
 *       input). Patch entry (c, ky, kx) is then the plane (c, kx) read from row ky·dH on, and its pixels are
 *       consecutive: a kw-fold copy of the input instead of a kh·kw-fold im2col, and no columns wasted.</li>
 *   <li>otherwise: im2col into a [patch, pixels] scratch matrix.</li>
 * </ul>
 * Depthwise convolutions (one input channel per group, one output per group) take a direct path instead.
 *
 * <p>Not thread-safe: an instance owns per-worker scratch buffers; parallelism comes from the {@link Parallel}
 * passed to {@link #forward}.
 */
public final class Conv2d {
    /** Where the product reads B from (the list in the class comment, in order); depthwise convolutions use none. */
    private enum Source { IN_PLACE, PADDED, SHIFTED, IM2COL }

    private static final VectorSpecies<Float> S = Simd.F;
    private static final int SLACK = Gemm.NR;

    private final ConvGeometry g;
    private final float[][] packed;  // per group: [cout/g, patch] in Gemm.packA form
    private final float[] weights;   // [cout, cin/g, kh, kw], kept for the depthwise path
    private final float[] bias;      // [cout] or null
    private final boolean relu;
    private final boolean accumulate; // out += conv(in) instead of out = conv(in) + bias
    private final Source source;
    private final int hp, wp;         // zero-padded plane (PADDED source and depthwise path)
    private final int[][] bOffsets;   // per group: row offsets into the B source
    private float[][] prepScratch = new float[0][];
    private float[][] rowScratch = new float[0][];

    public Conv2d(ConvGeometry g, float[] weights, float[] bias, boolean relu) {
        this(g, weights, bias, relu, false);
    }

    /** A convolution without bias that adds its result to the output array (a gradient accumulating). */
    public static Conv2d accumulating(ConvGeometry g, float[] weights) {
        return new Conv2d(g, weights, null, false, true);
    }

    private Conv2d(ConvGeometry g, float[] weights, float[] bias, boolean relu, boolean accumulate) {
        this.g = g;
        this.weights = weights;
        this.bias = bias;
        this.relu = relu;
        this.accumulate = accumulate;
        this.source = !g.unitStride() ? Source.IM2COL
                : g.unpadded() && g.kh() == 1 && g.kw() == 1 ? Source.IN_PLACE
                : g.outW() % Simd.LANES == 0 ? Source.PADDED : Source.SHIFTED;
        this.hp = g.paddedH();
        this.wp = g.paddedW();
        int coutG = g.coutPerGroup();
        int patch = g.patch();
        if (g.isDepthwise()) {
            packed = null;
            bOffsets = null;
            return;
        }
        packed = new float[g.group()][];
        bOffsets = new int[g.group()][];
        for (int gi = 0; gi < g.group(); gi++) {
            packed[gi] = Gemm.packA(weights, gi * coutG * patch, coutG, patch, patch);
            bOffsets[gi] = switch (source) {
                case IN_PLACE -> Gemm.rowOffsets(patch, g.h() * g.w(), 0);
                case PADDED -> g.paddedOffsets();
                case SHIFTED -> g.shiftedOffsets(1);
                case IM2COL -> Gemm.rowOffsets(patch, g.outH() * g.outW(), 0);
            };
        }
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Elements a kernel may read past the end of an input or scratch array. */
    public static int slack() {
        return SLACK;
    }

    /**
     * Convolves a batch: in is [batch, cin, h, w] (with {@link #slack()} readable elements past its end),
     * out is [batch, cout, outH, outW].
     */
    public void forward(float[] in, int batch, float[] out, Parallel par) {
        ensureScratch(par.threads());
        if (g.isDepthwise()) {
            int items = batch * g.group();
            par.forEach(items, (w, item) -> depthwise(in, out, item / g.group(), item % g.group(), w));
            return;
        }
        int cols = g.outH() * g.outW();
        int units = batch * g.group();
        if (units >= par.threads()) {
            par.forEach(units, (w, item) -> {
                int n = item / g.group();
                int gi = item % g.group();
                multiply(prepare(in, n, gi, w), n, gi, out, 0, cols);
            });
            return;
        }
        // Fewer images than threads (batch 1): split the columns of each product across the threads.
        int chunk = Math.max(Gemm.NR, roundUp(ceilDiv(cols, par.threads() * 4), Gemm.NR));
        int chunks = ceilDiv(cols, chunk);
        for (int n = 0; n < batch; n++) {
            for (int gi = 0; gi < g.group(); gi++) {
                float[] src = prepare(in, n, gi, 0);
                int fn = n, fg = gi;
                par.forEach(chunks, (w, c) -> multiply(src, fn, fg, out, c * chunk, Math.min(cols, (c + 1) * chunk)));
            }
        }
    }

    /**
     * Builds the B source for image n, group gi in worker w's scratch (or returns in itself when read in place).
     * Only the parts the input lands on are written, so the rest stays zero from the scratch's allocation.
     */
    private float[] prepare(float[] in, int n, int gi, int w) {
        float[] buf = prepScratch[w];
        int c0 = gi * g.cinPerGroup(), count = g.cinPerGroup();
        switch (source) {
            case IN_PLACE -> {
                return in;
            }
            case PADDED -> g.copyPadded(in, n, c0, count, buf, 0);
            case SHIFTED -> g.copyShifted(in, n, c0, count, buf, 0, 1);
            case IM2COL -> g.im2col(in, n, c0, count, buf, 0, g.outH() * g.outW());
        }
        return buf;
    }

    private void multiply(float[] src, int n, int gi, float[] out, int c0, int c1) {
        int ldc = g.outH() * g.outW();
        if (source == Source.IN_PLACE) {
            // The offsets are relative to the first input channel of this image and group: shift the column
            // range by that channel's position, and the output start back by the same amount.
            int shift = (n * g.cin() + gi * g.cinPerGroup()) * g.h() * g.w();
            product(gi, src, out, outBase(n, gi) - shift, ldc, c0 + shift, c1 + shift);
        } else {
            product(gi, src, out, outBase(n, gi), ldc, c0, c1);
        }
    }

    /** Group gi's product written straight to the output: with bias and ReLU, or added to it. */
    private void product(int gi, float[] src, float[] out, int outOff, int ldc, int c0, int c1) {
        int coutG = g.coutPerGroup();
        int[] offs = bOffsets[gi];
        boolean rows = source == Source.PADDED;   // output rows read from wider padded rows
        int width = rows ? g.outW() : 1, stride = rows ? wp : 1;
        Gemm.multiplyRows(packed[gi], coutG, g.patch(), src, offs, out, outOff, ldc, c0, c1, width, stride,
                accumulate ? null : bias, gi * coutG, !accumulate && relu, accumulate);
    }

    /** One output row from a scratch row: with bias and ReLU, or added to what the output holds. */
    private void store(float[] src, int s, float[] out, int d, int n, float bv) {
        if (accumulate) {
            Elementwise.addTo(src, s, out, d, n);
        } else {
            Elementwise.biasRelu(src, s, out, d, n, bv, relu);
        }
    }

    private int outBase(int n, int gi) {
        return (n * g.cout() + gi * g.coutPerGroup()) * g.outH() * g.outW();
    }

    private void depthwise(float[] in, float[] out, int n, int c, int w) {
        int oh = g.outH(), ow = g.outW();
        float[] buf = prepScratch[w];
        g.copyPadded(in, n, c, 1, buf, 0);
        int kArea = g.kh() * g.kw();
        int wBase = c * kArea;
        float bv = bias == null ? 0f : bias[c];
        int dst = (n * g.cout() + c) * oh * ow;
        float[] row = rowScratch[w];
        for (int y = 0; y < oh; y++) {
            if (g.strideW() == 1) {
                int lanes = S.length();
                int x = 0;
                for (; x + lanes <= ow; x += lanes) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int rowBase = (y * g.strideH() + ky * g.dilationH()) * wp + x;
                        for (int kx = 0; kx < g.kw(); kx++) {
                            acc = FloatVector.fromArray(S, buf, rowBase + kx * g.dilationW())
                                    .fma(FloatVector.broadcast(S, weights[wBase + ky * g.kw() + kx]), acc);
                        }
                    }
                    acc.intoArray(row, x);
                }
                for (; x < ow; x++) {
                    row[x] = depthwisePoint(buf, y, x, wBase);
                }
            } else {
                for (int x = 0; x < ow; x++) {
                    row[x] = depthwisePoint(buf, y, x, wBase);
                }
            }
            store(row, 0, out, dst + y * ow, ow, bv);
        }
    }

    private float depthwisePoint(float[] buf, int y, int x, int wBase) {
        float acc = 0f;
        for (int ky = 0; ky < g.kh(); ky++) {
            int rowBase = (y * g.strideH() + ky * g.dilationH()) * wp + x * g.strideW();
            for (int kx = 0; kx < g.kw(); kx++) {
                acc += weights[wBase + ky * g.kw() + kx] * buf[rowBase + kx * g.dilationW()];
            }
        }
        return acc;
    }

    private void ensureScratch(int workers) {
        if (prepScratch.length >= workers) {
            return;
        }
        int prep, row = 0;
        if (g.isDepthwise()) {
            prep = hp * wp + SLACK;
            row = g.outW() + SLACK;
        } else {
            prep = switch (source) {
                case IN_PLACE -> 0;
                case PADDED -> g.cinPerGroup() * hp * wp + SLACK;
                case SHIFTED -> g.shiftedSize(g.cinPerGroup(), 1) + SLACK;
                case IM2COL -> g.patch() * g.outH() * g.outW() + SLACK;
            };
        }
        prepScratch = new float[workers][];
        rowScratch = new float[workers][];
        for (int i = 0; i < workers; i++) {
            prepScratch[i] = new float[prep];
            rowScratch[i] = new float[row];
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
