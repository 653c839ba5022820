package mpq.tensor;

/**
 * Gradients of a 2-D convolution (any groups, strides, dilations, pads): with cols the im2col matrix of an image,
 * dW += dY·colsᵀ, dX += col2im(Wᵀ·dY) and dB += Σ dY, each product on the packed GEMM. Images run in parallel in
 * fixed chunks, each chunk accumulating its own dW and dB, summed in chunk order at the end: the result does not
 * depend on which thread ran which chunk, so runs repeat bit for bit.
 */
public final class ConvBackward {
    private ConvBackward() {}

    /**
     * Adds the gradients for a batch to dx [batch, cin, h, w], dw [cout, cin/group, kh, kw] and db [cout]; any of
     * them may be null. x is the forward input, w the weights, dy the output gradient [batch, cout, outH, outW];
     * dy needs {@link Conv2d#slack()} readable elements past its end.
     */
    public static void backward(ConvGeometry g, float[] x, float[] w, float[] dy, int batch, float[] dx, float[] dw,
                                float[] db, Parallel par) {
        int groups = g.group(), mg = g.coutPerGroup(), k = g.patch();
        int pixels = g.outH() * g.outW();
        float[][] wtPacked = new float[groups][];
        if (dx != null) {
            for (int gi = 0; gi < groups; gi++) {
                wtPacked[gi] = Gemm.packA(transposeGroup(w, gi, mg, k), 0, k, mg, mg);
            }
        }
        int workers = par.threads();
        int chunks = Math.min(batch, workers);
        float[][] dwPart = new float[chunks][];
        float[][] dbPart = new float[chunks][];
        float[][] colsT = new float[workers][];
        float[][] scratch = new float[workers][];
        int[] pixelRows = Gemm.rowOffsets(pixels, k, 0);
        par.forEach(chunks, (wk, chunk) -> {
            if (dw != null) {
                dwPart[chunk] = new float[g.cout() * k];
                if (colsT[wk] == null) {
                    colsT[wk] = new float[pixels * k + Conv2d.slack()];
                }
            }
            if (db != null) {
                dbPart[chunk] = new float[g.cout()];
            }
            if (scratch[wk] == null) {
                scratch[wk] = new float[Math.max(mg * k, dx != null ? k * pixels : 0)];
            }
            for (int n = chunk * batch / chunks; n < (chunk + 1) * batch / chunks; n++) {
                for (int gi = 0; gi < groups; gi++) {
                    int dyOff = (n * g.cout() + gi * mg) * pixels;
                    if (dw != null) {
                        im2colT(g, x, n, gi, colsT[wk]);
                        float[] a = Gemm.packA(dy, dyOff, mg, pixels, pixels);
                        Gemm.multiply(a, mg, pixels, colsT[wk], pixelRows, scratch[wk], 0, k, 0, k, null, 0, false);
                        float[] acc = dwPart[chunk];
                        int base = gi * mg * k;
                        for (int i = 0; i < mg * k; i++) {
                            acc[base + i] += scratch[wk][i];
                        }
                    }
                    if (db != null) {
                        for (int m = 0; m < mg; m++) {
                            double s = 0;
                            int off = dyOff + m * pixels;
                            for (int p = 0; p < pixels; p++) {
                                s += dy[off + p];
                            }
                            dbPart[chunk][gi * mg + m] += (float) s;
                        }
                    }
                    if (dx != null) {
                        int[] dyRows = Gemm.rowOffsets(mg, pixels, dyOff);
                        Gemm.multiply(wtPacked[gi], k, mg, dy, dyRows, scratch[wk], 0, pixels, 0, pixels, null, 0, false);
                        col2imAdd(g, scratch[wk], n, gi, dx);
                    }
                }
            }
        });
        for (int c = 0; c < chunks; c++) {
            if (dw != null) {
                for (int i = 0; i < dwPart[c].length; i++) {
                    dw[i] += dwPart[c][i];
                }
            }
            if (db != null) {
                for (int i = 0; i < dbPart[c].length; i++) {
                    db[i] += dbPart[c][i];
                }
            }
        }
    }

    /** Group gi's weights [mg, k] transposed to [k, mg]. */
    private static float[] transposeGroup(float[] w, int gi, int mg, int k) {
        float[] t = new float[k * mg];
        for (int m = 0; m < mg; m++) {
            for (int i = 0; i < k; i++) {
                t[i * mg + m] = w[(gi * mg + m) * k + i];
            }
        }
        return t;
    }

    /** colsT[p][(c, ki, kj)] = the input value patch position (ki, kj) of channel c sees at output pixel p (0 in pads). */
    private static void im2colT(ConvGeometry g, float[] x, int n, int gi, float[] colsT) {
        int cg = g.cinPerGroup(), k = g.patch(), ow = g.outW(), oh = g.outH();
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int row = (oy * ow + ox) * k;
                int i = 0;
                for (int c = 0; c < cg; c++) {
                    int plane = (n * g.cin() + gi * cg + c) * g.h() * g.w();
                    for (int ki = 0; ki < g.kh(); ki++) {
                        int iy = oy * g.strideH() - g.padTop() + ki * g.dilationH();
                        for (int kj = 0; kj < g.kw(); kj++, i++) {
                            int ix = ox * g.strideW() - g.padLeft() + kj * g.dilationW();
                            boolean inside = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
                            colsT[row + i] = inside ? x[plane + iy * g.w() + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** Adds a [k, pixels] column-gradient matrix back onto the input positions it came from. */
    private static void col2imAdd(ConvGeometry g, float[] cols, int n, int gi, float[] dx) {
        int cg = g.cinPerGroup(), ow = g.outW(), oh = g.outH(), pixels = oh * ow;
        int i = 0;
        for (int c = 0; c < cg; c++) {
            int plane = (n * g.cin() + gi * cg + c) * g.h() * g.w();
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, i++) {
                    int rowBase = i * pixels;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + ki * g.dilationH();
                        if (iy < 0 || iy >= g.h()) {
                            continue;
                        }
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.strideW() - g.padLeft() + kj * g.dilationW();
                            if (ix >= 0 && ix < g.w()) {
                                dx[plane + iy * g.w() + ix] += cols[rowBase + oy * ow + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
