package mpq.tensor;

/**
 * Shape of a 2-D convolution on one image: input [cin, h, w], weights [cout, cin/group, kh, kw], output
 * [cout, outH, outW]. Pads are explicit (top, left, bottom, right); ONNX auto_pad is resolved before this.
 */
public record ConvGeometry(int cin, int h, int w, int cout, int kh, int kw,
                           int strideH, int strideW, int dilationH, int dilationW,
                           int padTop, int padLeft, int padBottom, int padRight, int group) {

    public ConvGeometry {
        if (group < 1 || cin % group != 0 || cout % group != 0) {
            throw new IllegalArgumentException("group " + group + " must divide input channels " + cin
                    + " and output channels " + cout);
        }
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("strides and dilations must be positive");
        }
        // Fields are not assigned yet inside a compact constructor: compute from the parameters.
        if (outSize(h, kh, strideH, dilationH, padTop + padBottom) < 1
                || outSize(w, kw, strideW, dilationW, padLeft + padRight) < 1) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " does not fit input " + h + "x" + w
                    + " with the given pads and dilations");
        }
    }

    private static int outSize(int in, int k, int stride, int dilation, int pads) {
        int span = in + pads - dilation * (k - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    public int outH() {
        return outSize(h, kh, strideH, dilationH, padTop + padBottom);
    }

    public int outW() {
        return outSize(w, kw, strideW, dilationW, padLeft + padRight);
    }

    public int cinPerGroup() {
        return cin / group;
    }

    public int coutPerGroup() {
        return cout / group;
    }

    /** Length of one group's im2col column: cin/group · kh · kw. */
    public int patch() {
        return cinPerGroup() * kh * kw;
    }

    public boolean isDepthwise() {
        return group == cin && cout == cin && group > 1;
    }

    public boolean unitStride() {
        return strideH == 1 && strideW == 1;
    }

    public boolean unpadded() {
        return padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0;
    }

    /** Multiply-accumulates for one image. */
    public long macs() {
        return (long) cout * outH() * outW() * patch();
    }

    /** Height of the zero-padded input plane. */
    public int paddedH() {
        return h + padTop + padBottom;
    }

    /** Width of the zero-padded input plane. */
    public int paddedW() {
        return w + padLeft + padRight;
    }

    /**
     * Copies channels [c0, c0 + count) of image n of x [batch, cin, h, w] into buf as zero-padded planes of
     * paddedH × paddedW, one after another. Only the interior is written: the padding must already be zero (buffers
     * kept for one geometry stay zero there).
     */
    public void copyPadded(float[] x, int n, int c0, int count, float[] buf, int bufOff) {
        int plane = h * w, hp = paddedH(), wp = paddedW();
        for (int c = 0; c < count; c++) {
            int src = (n * cin + c0 + c) * plane;
            int dst = bufOff + c * hp * wp + padTop * wp + padLeft;
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, src + y * w, buf, dst + y * wp, w);
            }
        }
    }

    /**
     * Where patch entry (c, ky, kx) of output pixel (0, 0) sits in the zero-padded planes {@link #copyPadded} writes;
     * output pixel (y, x) of a stride-1 convolution adds y·paddedW + x.
     */
    public int[] paddedOffsets() {
        int hp = paddedH(), wp = paddedW();
        int[] o = new int[patch()];
        int k = 0;
        for (int c = 0; c < cinPerGroup(); c++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    o[k++] = c * hp * wp + y * dilationH * wp + x * dilationW;
                }
            }
        }
        return o;
    }

    /**
     * Floats of the shifted planes of count input channels for a number of images side by side: per channel and
     * kernel column kx, paddedH rows of images · outW (see {@link #copyShifted}).
     */
    public int shiftedSize(int count, int images) {
        return count * kw * paddedH() * images * outW();
    }

    /**
     * Where patch entry (c, ky, kx) of a stride-1 convolution starts in the shifted planes of a number of images
     * side by side: plane (c, kx) from row ky·dilationH. From there its outH rows (each images · outW wide) are
     * consecutive.
     */
    public int[] shiftedOffsets(int images) {
        int hp = paddedH(), row = images * outW();
        int[] o = new int[patch()];
        int k = 0;
        for (int c = 0; c < cinPerGroup(); c++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    o[k++] = ((c * kw + x) * hp + y * dilationH) * row;
                }
            }
        }
        return o;
    }

    /**
     * Writes the shifted planes of channels [c0, c0 + count) of image n of x [batch, cin, h, w] into buf: per
     * channel and kernel column kx, the input shifted left by kx·dilationW − padLeft, outW wide, with padTop /
     * padBottom zero rows. For a stride-1 convolution this is a kw-fold copy of the input instead of a kh·kw-fold
     * im2col, and every patch entry's pixels are consecutive. With images > 1 the planes hold that many images side
     * by side in each row (image q of them at bufOff = q · outW), so a patch entry's pixels over all of them are
     * consecutive too. Only the parts the input lands on are written: the rest must already be zero (buffers kept
     * for one layout stay zero there).
     */
    public void copyShifted(float[] x, int n, int c0, int count, float[] buf, int bufOff, int images) {
        int hp = paddedH(), ow = outW(), row = images * ow;
        for (int c = 0; c < count; c++) {
            int src = (n * cin + c0 + c) * h * w;
            for (int kx = 0; kx < kw; kx++) {
                int shift = kx * dilationW - padLeft;   // output column x reads input column x + shift
                int x0 = Math.max(0, -shift), x1 = Math.min(ow, w - shift);
                int dst = bufOff + ((c * kw + kx) * hp + padTop) * row;
                if (x1 <= x0) {
                    continue;
                }
                if (ow == w && images == 1) {
                    // Rows of the same width: one copy of the whole plane, then zero the columns that wrapped.
                    int from = Math.max(0, -shift), to = h * w - Math.max(0, shift);
                    System.arraycopy(x, src + from + shift, buf, dst + from, to - from);
                    for (int y = 0; y < h; y++) {
                        int r = dst + y * ow;
                        for (int i = 0; i < x0; i++) {
                            buf[r + i] = 0f;
                        }
                        for (int i = x1; i < ow; i++) {
                            buf[r + i] = 0f;
                        }
                    }
                } else {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(x, src + y * w + x0 + shift, buf, dst + y * row + x0, x1 - x0);
                    }
                }
            }
        }
    }

    /**
     * im2col of channels [c0, c0 + count) of image n of x [batch, cin, h, w]: row (c, ky, kx) holds, for every output
     * pixel, the input value that tap sees (0 in the padding). The row goes to buf at off + row · ld, so several
     * images can sit side by side in each row.
     */
    public void im2col(float[] x, int n, int c0, int count, float[] buf, int off, int ld) {
        int oh = outH(), ow = outW();
        int row = 0;
        for (int c = 0; c < count; c++) {
            int plane = (n * cin + c0 + c) * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, row++) {
                    int xOff = kx * dilationW - padLeft;   // output column x reads input column x·strideW + xOff
                    int x0 = firstInside(xOff, strideW, w, ow), x1 = endInside(xOff, strideW, w, ow);
                    int dst = off + row * ld;
                    for (int y = 0; y < oh; y++, dst += ow) {
                        int iy = y * strideH - padTop + ky * dilationH;
                        if (iy < 0 || iy >= h || x1 <= x0) {
                            java.util.Arrays.fill(buf, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w + xOff;
                        for (int ox = 0; ox < x0; ox++) {
                            buf[dst + ox] = 0f;
                        }
                        for (int ox = x0; ox < x1; ox++) {
                            buf[dst + ox] = x[src + ox * strideW];
                        }
                        for (int ox = x1; ox < ow; ox++) {
                            buf[dst + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds each row's values back onto the input positions of image n, channels
     * [c0, c0 + count) of dx they were read from (row (c, ky, kx) at cols[off + row · ld]).
     */
    public void col2imAdd(float[] cols, int off, int ld, int n, int c0, int count, float[] dx) {
        int oh = outH(), ow = outW();
        int row = 0;
        for (int c = 0; c < count; c++) {
            int plane = (n * cin + c0 + c) * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, row++) {
                    int xOff = kx * dilationW - padLeft;
                    int x0 = firstInside(xOff, strideW, w, ow), x1 = endInside(xOff, strideW, w, ow);
                    int src = off + row * ld;
                    for (int y = 0; y < oh; y++, src += ow) {
                        int iy = y * strideH - padTop + ky * dilationH;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = plane + iy * w + xOff;
                        for (int ox = x0; ox < x1; ox++) {
                            dx[dst + ox * strideW] += cols[src + ox];
                        }
                    }
                }
            }
        }
    }

    /** The first output column whose input column ox·stride + offset is ≥ 0 (at most outW). */
    private static int firstInside(int offset, int stride, int inW, int outW) {
        return offset >= 0 ? 0 : Math.min(outW, (-offset + stride - 1) / stride);
    }

    /** One past the last output column whose input column ox·stride + offset is < inW. */
    private static int endInside(int offset, int stride, int inW, int outW) {
        return offset >= inW ? 0 : Math.min(outW, (inW - 1 - offset) / stride + 1);
    }
}
