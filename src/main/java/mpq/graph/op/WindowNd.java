package mpq.graph.op;

import mpq.graph.Attributes;
import mpq.tensor.Shapes;

/**
 * A sliding window over any number of spatial axes (Conv and the pools on 3-D inputs, where the 1-D/2-D kernels do
 * not go): kernel, strides, dilations, pads or auto_pad resolved, the output size, and for every output position
 * and kernel tap the input position it reads (−1 in the padding). Direct loops over this map are correct for any
 * geometry; they are not tuned for speed.
 */
final class WindowNd {
    final int[] in, out, kernel;
    final int inSize, outSize, taps;
    /** Output position × kernel tap → flat input position, or −1. */
    final int[] source;

    private WindowNd(int[] in, int[] out, int[] kernel, int[] source) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.inSize = Shapes.size(in);
        this.outSize = Shapes.size(out);
        this.taps = Shapes.size(kernel);
        this.source = source;
    }

    /**
     * @param in spatial input sizes
     * @param kernelFromWeights the kernel when the kernel_shape attribute is absent (Conv), or null
     * @param ceil round the output size up (the pools' ceil_mode)
     */
    static WindowNd of(Attributes a, int[] in, int[] kernelFromWeights, boolean ceil) {
        int r = in.length;
        int[] k = a.getInts("kernel_shape", kernelFromWeights);
        if (k == null || k.length != r) {
            throw new IllegalArgumentException("kernel_shape must have " + r + " values");
        }
        int[] s = a.getInts("strides", Args.ones(r)), d = a.getInts("dilations", Args.ones(r));
        int[] p = a.getInts("pads", new int[2 * r]);
        if (s.length != r || d.length != r || p.length != 2 * r) {
            throw new IllegalArgumentException("strides/dilations need " + r + " values and pads " + 2 * r);
        }
        Args.checkWindow(k, s, d, p);
        String autoPad = a.getString("auto_pad", "NOTSET");
        int[] begin = new int[r], out = new int[r];
        for (int i = 0; i < r; i++) {
            int span = (k[i] - 1) * d[i] + 1;
            int end;
            switch (autoPad) {
                case "NOTSET" -> {
                    begin[i] = p[i];
                    end = p[i + r];
                }
                case "VALID" -> end = 0;
                case "SAME_UPPER", "SAME_LOWER" -> {
                    int o = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (o - 1) * s[i] + span - in[i]);
                    begin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    end = total - begin[i];
                }
                default -> throw new IllegalArgumentException("unknown auto_pad '" + autoPad + "'");
            }
            int room = in[i] + begin[i] + end - span;
            if (room < 0) {
                throw new IllegalArgumentException("window larger than the padded input along spatial axis " + i);
            }
            out[i] = (ceil ? (room + s[i] - 1) / s[i] : room / s[i]) + 1;
            if (ceil && (out[i] - 1) * s[i] >= in[i] + begin[i]) {
                out[i]--;   // a window starting in the end padding is dropped
            }
        }
        int outSize = Shapes.size(out), taps = Shapes.size(k);
        int[] source = new int[outSize * taps];
        int[] oc = new int[r], kc = new int[r];
        for (int o = 0; o < outSize; o++) {
            Shapes.unravel(o, out, oc);
            for (int q = 0; q < taps; q++) {
                Shapes.unravel(q, k, kc);
                int flat = 0;
                for (int i = 0; i < r && flat >= 0; i++) {
                    int x = oc[i] * s[i] - begin[i] + kc[i] * d[i];
                    flat = x < 0 || x >= in[i] ? -1 : flat * in[i] + x;
                }
                source[o * taps + q] = flat;
            }
        }
        return new WindowNd(in.clone(), out, k.clone(), source);
    }

    /** y[n, m] = b[m] + Σ over the group's channels c and taps q of x[n, c, source] · w[m, c, q]. */
    void conv(float[] x, float[] w, float[] b, float[] y, int batch, int cin, int cout, int group) {
        int cinG = cin / group, coutG = cout / group;
        for (int n = 0; n < batch; n++) {
            for (int m = 0; m < cout; m++) {
                int g = m / coutG, yBase = (n * cout + m) * outSize;
                for (int o = 0; o < outSize; o++) {
                    double acc = b == null ? 0 : b[m];
                    for (int c = 0; c < cinG; c++) {
                        int xBase = (n * cin + g * cinG + c) * inSize, wBase = (m * cinG + c) * taps;
                        for (int q = 0; q < taps; q++) {
                            int src = source[o * taps + q];
                            if (src >= 0) {
                                acc += x[xBase + src] * w[wBase + q];
                            }
                        }
                    }
                    y[yBase + o] = (float) acc;
                }
            }
        }
    }

    /** Max or average pooling of every plane; the average over the taps inside the input unless countPad. */
    void pool(float[] x, float[] y, int planes, boolean max, boolean countPad) {
        for (int pl = 0; pl < planes; pl++) {
            int xBase = pl * inSize, yBase = pl * outSize;
            for (int o = 0; o < outSize; o++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                int count = 0;
                for (int q = 0; q < taps; q++) {
                    int src = source[o * taps + q];
                    if (src >= 0) {
                        acc = max ? Math.max(acc, x[xBase + src]) : acc + x[xBase + src];
                        count++;
                    }
                }
                y[yBase + o] = (float) (max ? acc : acc / (countPad ? taps : Math.max(1, count)));
            }
        }
    }
}
