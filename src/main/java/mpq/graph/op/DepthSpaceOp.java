package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** DepthToSpace (DCR or CRD order) and SpaceToDepth on NCHW data with a block size. */
final class DepthSpaceOp implements Op {
    private final boolean toSpace, crd;
    private final int b;
    private int n, c, h, w;

    DepthSpaceOp(boolean toSpace, Attributes a) {
        this.toSpace = toSpace;
        this.b = a.getInt("blocksize", 0);
        this.crd = a.getString("mode", "DCR").equals("CRD");
        if (b < 1) {
            throw new IllegalArgumentException("blocksize must be at least 1");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        Args.requireRank(x, 4, 4, "input");
        int[] s = x.shape();
        n = s[0];
        c = s[1];
        h = s[2];
        w = s[3];
        if (toSpace ? c % (b * b) != 0 : h % b != 0 || w % b != 0) {
            throw new IllegalArgumentException("shape does not divide by the block size " + b);
        }
        int[] out = toSpace ? new int[] {n, c / (b * b), h * b, w * b} : new int[] {n, c * b * b, h / b, w / b};
        return List.of(ValueMeta.of(out, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        if (toSpace) {
            int oc = c / (b * b);
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    // DCR: channel = (by·b + bx)·oc + o; CRD: channel = o·b² + by·b + bx
                    int o = crd ? ch / (b * b) : ch % oc;
                    int blk = crd ? ch % (b * b) : ch / oc;
                    int by = blk / b, bx = blk % b;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int src = ((i * c + ch) * h + y) * w + x;
                            int dst = ((i * oc + o) * h * b + y * b + by) * w * b + x * b + bx;
                            in[0].copyElement(src, out[0], dst);
                        }
                    }
                }
            }
        } else {
            int oh = h / b, ow = w / b;
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int oc = (y % b * b + x % b) * c + ch;
                            int src = ((i * c + ch) * h + y) * w + x;
                            int dst = ((i * c * b * b + oc) * oh + y / b) * ow + x / b;
                            in[0].copyElement(src, out[0], dst);
                        }
                    }
                }
            }
        }
    }
}
