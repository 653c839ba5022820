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
}
