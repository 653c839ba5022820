package mpq.tensor;

/**
 * Gradients of a 2-D convolution (any groups, strides, dilations, pads).
 *
 * <p>Unit stride, the bulk of the work, runs on the forward kernels' layout (no im2col):
 * <ul>
 *   <li>dX is the convolution of dY with the weights flipped in space and transposed in channels, padded by
 *       dilation·(k − 1) − pad: {@link Conv2d}'s own kernels, adding into dX.</li>
 *   <li>dW[co][(c, ky, kx)] = Σ over images and output pixels of dY[co][pixel] · X[c][pixel + (ky, kx)]: with the
 *       input in the forward pass's shifted planes ({@link ConvGeometry#copyShifted}) every patch entry's pixels
 *       are consecutive, so both factors are rows read in place and the sum is a batch of dot products
 *       ({@link DotProducts}).</li>
 * </ul>
 * Other strides: dW from dot products with each image's im2col, dX from Wᵀ·dY on the packed GEMM, added back to
 * the input positions (col2im).
 *
 * <p>Images are split into fixed chunks, one per worker, each accumulating its own dW and dB, summed in chunk
 * order at the end: the result does not depend on which thread ran which chunk, so runs repeat bit for bit.
 */
public final class ConvBackward {
    private ConvBackward() {}

    /**
     * Images per dot-product pass: as many as keep one tile's dY rows ({@link DotProducts#ROWS}, reused for every
     * patch entry) over all of them within about half of a core's L1 data cache.
     */
    private static final int TILE_ROWS_FLOATS = 6 * 1024;

    /**
     * Adds the gradients for a batch to dx [batch, cin, h, w], dw [cout, cin/group, kh, kw] and db [cout]; any of
     * them may be null. x is the forward input, w the weights, dy the output gradient [batch, cout, outH, outW];
     * x and dy need {@link Conv2d#slack()} readable elements past their ends.
     */
    public static void backward(ConvGeometry g, float[] x, float[] w, float[] dy, int batch, float[] dx, float[] dw,
                                float[] db, Parallel par) {
        if (dx != null) {
            if (transposable(g)) {
                Conv2d.accumulating(transposed(g), flippedTransposed(g, w)).forward(dy, batch, dx, par);
            } else {
                inputGradientByCol2im(g, w, dy, batch, dx, par);
            }
        }
        if (dw == null && db == null) {
            return;
        }
        int chunks = Math.min(batch, par.threads());
        float[][] dwPart = new float[chunks][];
        float[][] dbPart = new float[chunks][];
        par.forEach(chunks, (wk, chunk) -> {
            int n0 = chunk * batch / chunks, n1 = (chunk + 1) * batch / chunks;
            if (db != null) {
                dbPart[chunk] = biasGradient(g, dy, n0, n1);
            }
            if (dw != null) {
                dwPart[chunk] = weightGradient(g, x, dy, n0, n1);
            }
        });
        for (int c = 0; c < chunks; c++) {
            if (dw != null) {
                Elementwise.addTo(dwPart[c], 0, dw, 0, dwPart[c].length);
            }
            if (db != null) {
                Elementwise.addTo(dbPart[c], 0, db, 0, dbPart[c].length);
            }
        }
    }

    /** The flipped convolution covers dX exactly when no pad is wider than the kernel's reach. */
    static boolean transposable(ConvGeometry g) {
        int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
        return g.unitStride() && g.padTop() <= reachH && g.padBottom() <= reachH
                && g.padLeft() <= reachW && g.padRight() <= reachW;
    }

    /** dY [cout, outH, outW] → dX [cin, h, w]: same kernel size and dilation, pads that complete the reach. */
    static ConvGeometry transposed(ConvGeometry g) {
        int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
        return new ConvGeometry(g.cout(), g.outH(), g.outW(), g.cin(), g.kh(), g.kw(), 1, 1,
                g.dilationH(), g.dilationW(), reachH - g.padTop(), reachW - g.padLeft(),
                reachH - g.padBottom(), reachW - g.padRight(), g.group());
    }

    /** W'[gi·cinG + c][m][ky][kx] = W[gi·coutG + m][c][kh−1−ky][kw−1−kx]. */
    static float[] flippedTransposed(ConvGeometry g, float[] w) {
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), kh = g.kh(), kw = g.kw(), area = kh * kw;
        float[] t = new float[g.cout() * g.patch()];
        for (int gi = 0; gi < g.group(); gi++) {
            for (int m = 0; m < coutG; m++) {
                for (int c = 0; c < cinG; c++) {
                    int src = ((gi * coutG + m) * cinG + c) * area;
                    int dst = ((gi * cinG + c) * coutG + m) * area;
                    for (int k = 0; k < area; k++) {
                        t[dst + area - 1 - k] = w[src + k];
                    }
                }
            }
        }
        return t;
    }

    private static float[] biasGradient(ConvGeometry g, float[] dy, int n0, int n1) {
        int pixels = g.outH() * g.outW();
        float[] db = new float[g.cout()];
        for (int n = n0; n < n1; n++) {
            for (int co = 0; co < g.cout(); co++) {
                db[co] += Elementwise.sum(dy, (n * g.cout() + co) * pixels, pixels);
            }
        }
        return db;
    }

    /**
     * dW over images [n0, n1): dot products of dY's rows with the rows of the input's patch entries — the shifted
     * planes for stride 1 ({@link ConvGeometry#copyShifted}), an im2col otherwise. Small images go several side by
     * side in each row, with dY copied to the same layout, so each dot product runs over one long row. The layouts
     * differ in the piece each image contributes in turn: one output row of the shifted planes (whose patch entries
     * start ky rows apart, so the rows must interleave the images), the whole image of an im2col row.
     */
    private static float[] weightGradient(ConvGeometry g, float[] x, float[] dy, int n0, int n1) {
        boolean shifted = g.unitStride();
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), patch = g.patch();
        int pixels = g.outH() * g.outW(), piece = shifted ? g.outW() : pixels;
        int perGroup = Math.max(1, Math.min(n1 - n0, TILE_ROWS_FLOATS / (DotProducts.ROWS * pixels)));
        // Zero once: the shifted planes' padding is never written; an im2col writes every element.
        float[] src = new float[shifted ? g.shiftedSize(cinG, perGroup) : patch * pixels * perGroup];
        float[] ds = perGroup == 1 ? null : new float[coutG * pixels * perGroup];
        float[] dw = new float[g.cout() * patch];
        for (int first = n0; first < n1; first += perGroup) {
            int count = Math.min(perGroup, n1 - first);
            int len = pixels * count;
            if (shifted && count < perGroup) {
                java.util.Arrays.fill(src, 0f);   // a narrower layout: the old one's data would sit in its padding
            }
            int[] srcRows = shifted ? g.shiftedOffsets(count) : Gemm.rowOffsets(patch, len, 0);
            for (int gi = 0; gi < g.group(); gi++) {
                for (int q = 0; q < count; q++) {
                    if (shifted) {
                        g.copyShifted(x, first + q, gi * cinG, cinG, src, q * piece, count);
                    } else {
                        g.im2col(x, first + q, gi * cinG, cinG, src, q * piece, len);
                    }
                }
                int dwOff = gi * coutG * patch;
                if (count == 1) {   // dY's rows are read in place
                    int[] dyRows = Gemm.rowOffsets(coutG, pixels, (first * g.cout() + gi * coutG) * pixels);
                    DotProducts.accumulate(dy, dyRows, src, srcRows, len, dw, dwOff, patch);
                    continue;
                }
                for (int m = 0; m < coutG; m++) {   // piece p of image first + q at (p·count + q)·piece
                    for (int q = 0; q < count; q++) {
                        int from = ((first + q) * g.cout() + gi * coutG + m) * pixels;
                        for (int p = 0; p < pixels / piece; p++) {
                            System.arraycopy(dy, from + p * piece, ds, m * len + (p * count + q) * piece, piece);
                        }
                    }
                }
                DotProducts.accumulate(ds, Gemm.rowOffsets(coutG, len, 0), src, srcRows, len, dw, dwOff, patch);
            }
        }
        return dw;
    }

    /** dX for convolutions the flipped form does not cover: Wᵀ·dY per image, added back where each column came from. */
    private static void inputGradientByCol2im(ConvGeometry g, float[] w, float[] dy, int batch, float[] dx,
                                              Parallel par) {
        int groups = g.group(), mg = g.coutPerGroup(), k = g.patch(), pixels = g.outH() * g.outW();
        float[][] wtPacked = new float[groups][];
        for (int gi = 0; gi < groups; gi++) {
            wtPacked[gi] = Gemm.packA(transposeGroup(w, gi, mg, k), 0, k, mg, mg);
        }
        float[][] cols = new float[par.threads()][];
        // Images write disjoint parts of dx: any split is safe and gives the same bits.
        par.forEach(batch, (wk, n) -> {
            if (cols[wk] == null) {
                cols[wk] = new float[k * pixels];
            }
            for (int gi = 0; gi < groups; gi++) {
                int[] dyRows = Gemm.rowOffsets(mg, pixels, (n * g.cout() + gi * mg) * pixels);
                Gemm.multiply(wtPacked[gi], k, mg, dy, dyRows, cols[wk], 0, pixels, 0, pixels, null, 0, false);
                g.col2imAdd(cols[wk], 0, pixels, n, gi * g.cinPerGroup(), g.cinPerGroup(), dx);
            }
        });
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
}
