package mpq.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 2-D convolution with fixed geometry and weights, run as a matrix product per image and group:
 * out[cout/g, pixels] = W[cout/g, patch] · B[patch, pixels] + bias, optionally followed by ReLU.
 *
 * <p>Two ways to form B:
 * <ul>
 *   <li>stride 1: the input is copied once into a zero-padded plane (or read in place when there is no padding)
 *       and B is read straight from it: pixel i of the padded grid for patch entry (c, y, x) sits at
 *       c·Hp·Wp + y·dH·Wp + x·dW + i. The product runs over the padded width and the few columns that fall
 *       in the padding are dropped when copying out. No im2col.</li>
 *   <li>otherwise: im2col into a [patch, pixels] scratch matrix.</li>
 * </ul>
 * Depthwise convolutions (one input channel per group, one output per group) take a direct path instead.
 *
 * <p>Not thread-safe: an instance owns per-worker scratch buffers; parallelism comes from the {@link Parallel}
 * passed to {@link #forward}.
 */
public final class Conv2d {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int SLACK = Gemm.NR;

    private final ConvGeometry g;
    private final float[][] packed;  // per group: [cout/g, patch] in Gemm.packA form
    private final float[] weights;   // [cout, cin/g, kh, kw], kept for the depthwise path
    private final float[] bias;      // [cout] or null
    private final boolean relu;
    private final boolean flat;      // stride-1 path
    private final int hp, wp;        // padded plane (flat path)
    private final int[][] bOffsets;  // per group: row offsets into the B source
    private float[][] prepScratch = new float[0][];
    private float[][] outScratch = new float[0][];

    public Conv2d(ConvGeometry g, float[] weights, float[] bias, boolean relu) {
        this.g = g;
        this.weights = weights;
        this.bias = bias;
        this.relu = relu;
        this.flat = g.unitStride();
        this.hp = g.h() + g.padTop() + g.padBottom();
        this.wp = g.w() + g.padLeft() + g.padRight();
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
            bOffsets[gi] = flat ? flatOffsets() : Gemm.rowOffsets(patch, g.outH() * g.outW(), 0);
        }
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Elements a kernel may read past the end of an input or scratch array. */
    public static int slack() {
        return SLACK;
    }

    private int[] flatOffsets() {
        int plane = readsInPlace() ? g.h() * g.w() : hp * wp;
        int[] o = new int[g.patch()];
        int k = 0;
        for (int c = 0; c < g.cinPerGroup(); c++) {
            for (int y = 0; y < g.kh(); y++) {
                for (int x = 0; x < g.kw(); x++) {
                    o[k++] = c * plane + y * g.dilationH() * wp + x * g.dilationW();
                }
            }
        }
        return o;
    }

    /** A 1x1, stride-1, unpadded convolution is a plain product with the input as it is. */
    private boolean readsInPlace() {
        return flat && g.unpadded() && g.kh() == 1 && g.kw() == 1;
    }

    /** Pixels of one output row block on the padded grid (flat path). */
    private int flatColumns() {
        return (g.outH() - 1) * wp + g.outW();
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
        int units = batch * g.group();
        if (units >= par.threads()) {
            par.forEach(units, (w, item) -> {
                int n = item / g.group();
                int gi = item % g.group();
                float[] src = prepare(in, n, gi, w);
                int cols = flat ? flatColumns() : g.outH() * g.outW();
                multiply(src, n, gi, out, 0, cols, w);
                finish(n, gi, out, w);
            });
            return;
        }
        // Fewer images than threads (batch 1): split the columns of each product across the threads.
        int cols = flat ? flatColumns() : g.outH() * g.outW();
        int chunk = Math.max(Gemm.NR, roundUp(ceilDiv(cols, par.threads() * 4), Gemm.NR));
        int chunks = ceilDiv(cols, chunk);
        for (int n = 0; n < batch; n++) {
            for (int gi = 0; gi < g.group(); gi++) {
                float[] src = prepare(in, n, gi, 0);
                int fn = n, fg = gi;
                par.forEach(chunks, (w, c) -> multiply(src, fn, fg, out, c * chunk, Math.min(cols, (c + 1) * chunk), 0));
                finish(n, gi, out, 0);
            }
        }
    }

    /** Builds the B source for image n, group gi in worker w's scratch (or returns in itself when read in place). */
    private float[] prepare(float[] in, int n, int gi, int w) {
        int cinG = g.cinPerGroup();
        int plane = g.h() * g.w();
        int inBase = (n * g.cin() + gi * cinG) * plane;
        if (readsInPlace()) {
            return in;
        }
        float[] buf = prepScratch[w];
        if (flat) {
            int pplane = hp * wp;
            Arrays.fill(buf, 0, cinG * pplane + SLACK, 0f);
            for (int c = 0; c < cinG; c++) {
                for (int y = 0; y < g.h(); y++) {
                    System.arraycopy(in, inBase + c * plane + y * g.w(), buf,
                            c * pplane + (y + g.padTop()) * wp + g.padLeft(), g.w());
                }
            }
            return buf;
        }
        im2col(in, inBase, buf);
        return buf;
    }

    private void im2col(float[] in, int inBase, float[] buf) {
        int oh = g.outH(), ow = g.outW();
        int plane = g.h() * g.w();
        int row = 0;
        for (int c = 0; c < g.cinPerGroup(); c++) {
            int cBase = inBase + c * plane;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row++) {
                    int dst = row * oh * ow;
                    int xOff = kx * g.dilationW() - g.padLeft();
                    for (int y = 0; y < oh; y++) {
                        int iy = y * g.strideH() - g.padTop() + ky * g.dilationH();
                        if (iy < 0 || iy >= g.h()) {
                            Arrays.fill(buf, dst, dst + ow, 0f);
                            dst += ow;
                            continue;
                        }
                        int src = cBase + iy * g.w();
                        for (int x = 0; x < ow; x++) {
                            int ix = x * g.strideW() + xOff;
                            buf[dst++] = ix >= 0 && ix < g.w() ? in[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    private void multiply(float[] src, int n, int gi, float[] out, int c0, int c1, int w) {
        int coutG = g.coutPerGroup();
        int[] offs = bOffsets[gi];
        if (readsInPlace()) {
            // The offsets are relative to the first input channel of this image and group: shift the column
            // range by that channel's position, and the output start back by the same amount.
            int shift = (n * g.cin() + gi * g.cinPerGroup()) * g.h() * g.w();
            Gemm.multiply(packed[gi], coutG, g.patch(), src, offs, out, outBase(n, gi) - shift,
                    g.outH() * g.outW(), c0 + shift, c1 + shift, bias, gi * coutG, relu);
        } else if (flat && !directFlatOutput()) {
            Gemm.multiply(packed[gi], coutG, g.patch(), src, offs, outScratch[w], 0, flatColumns(), c0, c1,
                    null, 0, false);
        } else {
            Gemm.multiply(packed[gi], coutG, g.patch(), src, offs, out, outBase(n, gi), g.outH() * g.outW(),
                    c0, c1, bias, gi * coutG, relu);
        }
    }

    /** The flat grid equals the output grid when no padded columns exist (Wp == outW). */
    private boolean directFlatOutput() {
        return wp == g.outW();
    }

    /** Copies the flat product to the output, dropping padding columns and applying bias and ReLU. */
    private void finish(int n, int gi, float[] out, int w) {
        if (!flat || directFlatOutput() || readsInPlace()) {
            return;
        }
        float[] tmp = outScratch[w];
        int coutG = g.coutPerGroup();
        int cols = flatColumns();
        int oh = g.outH(), ow = g.outW();
        int base = outBase(n, gi);
        for (int co = 0; co < coutG; co++) {
            float bv = bias == null ? 0f : bias[gi * coutG + co];
            for (int y = 0; y < oh; y++) {
                int s = co * cols + y * wp;
                int d = base + (co * oh + y) * ow;
                Elementwise.biasRelu(tmp, s, out, d, ow, bv, relu);
            }
        }
    }

    private int outBase(int n, int gi) {
        return (n * g.cout() + gi * g.coutPerGroup()) * g.outH() * g.outW();
    }

    private void depthwise(float[] in, float[] out, int n, int c, int w) {
        int plane = g.h() * g.w();
        int oh = g.outH(), ow = g.outW();
        float[] buf = prepScratch[w];
        Arrays.fill(buf, 0, hp * wp + SLACK, 0f);
        int inBase = (n * g.cin() + c) * plane;
        for (int y = 0; y < g.h(); y++) {
            System.arraycopy(in, inBase + y * g.w(), buf, (y + g.padTop()) * wp + g.padLeft(), g.w());
        }
        int kArea = g.kh() * g.kw();
        int wBase = c * kArea;
        float bv = bias == null ? 0f : bias[c];
        int dst = (n * g.cout() + c) * oh * ow;
        float[] row = outScratch[w];
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
            Elementwise.biasRelu(row, 0, out, dst + y * ow, ow, bv, relu);
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
        int prep, outSize;
        if (g.isDepthwise()) {
            prep = hp * wp + SLACK;
            outSize = g.outW() + SLACK;
        } else if (flat) {
            prep = readsInPlace() ? 0 : g.cinPerGroup() * hp * wp + SLACK;
            outSize = directFlatOutput() ? 0 : g.coutPerGroup() * flatColumns() + SLACK;
        } else {
            prep = g.patch() * g.outH() * g.outW() + SLACK;
            outSize = 0;
        }
        prepScratch = new float[workers][];
        outScratch = new float[workers][];
        for (int i = 0; i < workers; i++) {
            prepScratch[i] = new float[prep];
            outScratch[i] = new float[outSize];
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
