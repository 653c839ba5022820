package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * MaxPool and AveragePool over 1-D or 2-D windows, with pads, dilations (max), ceil_mode and count_include_pad; 3-D
 * windows by direct loops ({@link WindowNd}, forward only).
 */
final class PoolOp implements Op {
    private final boolean max;
    private final Attributes attrs;
    private final boolean ceilMode, countIncludePad;
    private final boolean indices, columnMajor;   // MaxPool's second output: each maximum's flat input index
    private SpatialAttrs sa;
    private int planes, h, w, oh, ow;
    private WindowNd window;   // 3-D inputs

    PoolOp(boolean max, Attributes a, int outputs) {
        this.max = max;
        this.attrs = a;
        this.ceilMode = a.getInt("ceil_mode", 0) != 0;
        this.countIncludePad = a.getInt("count_include_pad", 0) != 0;
        this.indices = max && outputs > 1;
        this.columnMajor = a.getInt("storage_order", 0) != 0;
        if (!a.has("kernel_shape")) {
            throw new IllegalArgumentException("kernel_shape is required");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        Args.requireRank(x, 3, 5, "input X");
        int[] s = x.shape();
        if (s.length == 5) {
            if (indices) {
                throw new IllegalArgumentException("the Indices output of a 3-D MaxPool is not supported");
            }
            window = WindowNd.of(attrs, java.util.Arrays.copyOfRange(s, 2, 5), null, ceilMode);
            planes = s[0] * s[1];
            return List.of(ValueMeta.of(new int[] {s[0], s[1], window.out[0], window.out[1], window.out[2]}, x.type()));
        }
        int spatial = s.length - 2;
        h = spatial == 2 ? s[2] : 1;
        w = s[s.length - 1];
        sa = SpatialAttrs.resolve(attrs, spatial, h, w, null);
        if (!max && (sa.dh() != 1 || sa.dw() != 1)) {
            throw new IllegalArgumentException("AveragePool with dilations is not supported");
        }
        oh = outSize(h, sa.kh(), sa.sh(), sa.dh(), sa.padTop(), sa.padBottom());
        ow = outSize(w, sa.kw(), sa.sw(), sa.dw(), sa.padLeft(), sa.padRight());
        planes = s[0] * s[1];
        int[] out = spatial == 2 ? new int[] {s[0], s[1], oh, ow} : new int[] {s[0], s[1], ow};
        return indices ? List.of(ValueMeta.of(out, x.type()), ValueMeta.of(out, mpq.tensor.DType.INT64))
                : List.of(ValueMeta.of(out, x.type()));
    }

    private int outSize(int in, int k, int stride, int dil, int padBegin, int padEnd) {
        int span = in + padBegin + padEnd - ((k - 1) * dil + 1);
        if (span < 0) {
            throw new IllegalArgumentException("pooling window larger than the padded input");
        }
        int out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        // A window that would start entirely in the end padding is dropped (as ONNX Runtime and PyTorch do).
        if (ceilMode && (out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        if (!in[0].isFloat()) {   // MaxPool of 8-bit integers (exact in float); a rare case, so by conversion
            Tensor[] f = {Tensor.zeros(out[0].shape())};
            forward(new Tensor[] {in[0].to(mpq.tensor.DType.FLOAT)}, f, par);
            f[0].to(out[0].type()).copyInto(out[0]);
            return;
        }
        float[] x = in[0].data(), y = out[0].data();
        if (window != null) {
            window.pool(x, y, planes, max, countIncludePad);
            return;
        }
        par.forEach(planes, (wk, p) -> {
            int src = p * h * w, dst = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int y0 = i * sa.sh() - sa.padTop();
                for (int j = 0; j < ow; j++) {
                    int x0 = j * sa.sw() - sa.padLeft();
                    y[dst + i * ow + j] = max ? maxWindow(x, src, y0, x0) : averageWindow(x, src, y0, x0);
                    if (indices && out.length > 1 && out[1] != null) {
                        int at = argmax(x, src, y0, x0), local = at - src;
                        out[1].ints()[dst + i * ow + j] = at < 0 ? -1
                                : columnMajor ? src + (local % w) * h + local / w : at;
                    }
                }
            }
        });
    }

    private float maxWindow(float[] x, int src, int y0, int x0) {
        int at = argmax(x, src, y0, x0);
        return at < 0 ? Float.NEGATIVE_INFINITY : x[at];
    }

    /** Index of the window's largest element (the first one on ties), or −1 when the window lies in padding. */
    private int argmax(float[] x, int src, int y0, int x0) {
        int at = -1;
        float m = Float.NEGATIVE_INFINITY;
        for (int ky = 0; ky < sa.kh(); ky++) {
            int yy = y0 + ky * sa.dh();
            if (yy < 0 || yy >= h) {
                continue;
            }
            for (int kx = 0; kx < sa.kw(); kx++) {
                int xx = x0 + kx * sa.dw();
                if (xx >= 0 && xx < w && (at < 0 || x[src + yy * w + xx] > m)) {
                    at = src + yy * w + xx;
                    m = x[at];
                }
            }
        }
        return at;
    }

    private float averageWindow(float[] x, int src, int y0, int x0) {
        int yStart = Math.max(0, y0), yEnd = Math.min(h, y0 + sa.kh());
        int xStart = Math.max(0, x0), xEnd = Math.min(w, x0 + sa.kw());
        float sum = 0f;
        for (int yy = yStart; yy < yEnd; yy++) {
            for (int xx = xStart; xx < xEnd; xx++) {
                sum += x[src + yy * w + xx];
            }
        }
        return sum / count(y0, x0);
    }

    /** Cells an average window divides by. */
    private int count(int y0, int x0) {
        if (countIncludePad) {
            // Padding cells count, but not the cells a ceil_mode window adds beyond the padding.
            int py = Math.min(h + sa.padBottom(), y0 + sa.kh()) - Math.max(-sa.padTop(), y0);
            int px = Math.min(w + sa.padRight(), x0 + sa.kw()) - Math.max(-sa.padLeft(), x0);
            return py * px;
        }
        return (Math.min(h, y0 + sa.kh()) - Math.max(0, y0)) * (Math.min(w, x0 + sa.kw()) - Math.max(0, x0));
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (window != null) {
            throw new UnsupportedOperationException("no backward pass for 3-D pooling");
        }
        float[] x = in[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        par.forEach(planes, (wk, p) -> {
            int src = p * h * w, dst = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                int y0 = i * sa.sh() - sa.padTop();
                for (int j = 0; j < ow; j++) {
                    int x0 = j * sa.sw() - sa.padLeft();
                    float g = dy[dst + i * ow + j];
                    if (max) {
                        int at = argmax(x, src, y0, x0);   // ties: one winner, as runtimes do
                        if (at >= 0) {
                            dx[at] += g;
                        }
                    } else {
                        spreadAverage(dx, src, y0, x0, g);
                    }
                }
            }
        });
    }

    private void spreadAverage(float[] dx, int src, int y0, int x0, float g) {
        int yStart = Math.max(0, y0), yEnd = Math.min(h, y0 + sa.kh());
        int xStart = Math.max(0, x0), xEnd = Math.min(w, x0 + sa.kw());
        float share = g / count(y0, x0);
        for (int yy = yStart; yy < yEnd; yy++) {
            for (int xx = xStart; xx < xEnd; xx++) {
                dx[src + yy * w + xx] += share;
            }
        }
    }

    @Override
    public boolean piecewiseLinear() {
        return max && window == null;
    }

    /** Max pooling on frozen pieces: each window takes x where the reference had its maximum. */
    @Override
    public void forwardOnPieces(Tensor[] reference, Tensor[] in, Tensor[] out, Parallel par) {
        if (!max) {
            forward(in, out, par);
            return;
        }
        float[] r = reference[0].data(), x = in[0].data(), y = out[0].data();
        par.forEach(planes, (wk, p) -> {
            int src = p * h * w, dst = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int at = argmax(r, src, i * sa.sh() - sa.padTop(), j * sa.sw() - sa.padLeft());
                    y[dst + i * ow + j] = at < 0 ? Float.NEGATIVE_INFINITY : x[at];
                }
            }
        });
    }
}
