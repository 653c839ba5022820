package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * ConvInteger (x, w, x_zero_point, w_zero_point → int32 Σ (x − x_zp)(w − w_zp)) and QLinearConv (x, x_scale,
 * x_zp, w, w_scale, w_zp, y_scale, y_zp, B → saturate(round((Σ + B) · x_scale·w_scale / y_scale) + y_zp)), 1-D and
 * 2-D, grouped, exact in 64-bit integers; padding contributes nothing (it stands for the zero point). The weights'
 * zero point and scale are per tensor or per output channel. A direct loop for already-quantized models, not
 * tuned for speed.
 */
final class IntegerConvOp implements Op {
    private final boolean qlinear;
    private final Attributes attrs;
    private SpatialAttrs sa;
    private int batch, cin, cout, group, h, w, oh, ow;
    private DType outType;

    IntegerConvOp(boolean qlinear, Attributes a) {
        this.qlinear = qlinear;
        this.attrs = a;
    }

    // inputs: ConvInteger x=0, w=1, xzp=2, wzp=3; QLinearConv x=0, xs=1, xzp=2, w=3, ws=4, wzp=5, ys=6, yzp=7, B=8
    private int wIndex() {
        return qlinear ? 3 : 1;
    }

    private int wZeroIndex() {
        return qlinear ? 5 : 3;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "x"), wt = Args.input(in, wIndex(), "w");
        Args.requireRank(x, 3, 4, "input x");
        int[] xs = x.shape(), ws = wt.shape();
        int spatial = xs.length - 2;
        batch = xs[0];
        cin = xs[1];
        h = spatial == 2 ? xs[2] : 1;
        w = xs[xs.length - 1];
        group = attrs.getInt("group", 1);
        cout = ws[0];
        if (ws.length != xs.length || ws[1] * group != cin || cout % group != 0) {
            throw new IllegalArgumentException("weights " + Arrays.toString(ws) + " do not fit input " + Arrays.toString(xs)
                    + " with group " + group);
        }
        sa = SpatialAttrs.resolve(attrs, spatial, h, w, Arrays.copyOfRange(ws, 2, ws.length));
        oh = (h + sa.padTop() + sa.padBottom() - ((sa.kh() - 1) * sa.dh() + 1)) / sa.sh() + 1;
        ow = (w + sa.padLeft() + sa.padRight() - ((sa.kw() - 1) * sa.dw() + 1)) / sa.sw() + 1;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("kernel larger than the padded input");
        }
        Requantize.requireScalarOr(Args.optional(in, 2), 1, "x_zero_point");
        Requantize.requireScalarOr(Args.optional(in, wZeroIndex()), cout, "w_zero_point");
        if (qlinear) {
            Requantize.requireScalarOr(Args.input(in, 4, "w_scale"), cout, "w_scale");
            outType = Args.input(in, 7, "y_zero_point").type();
            Requantize.requireScalarOr(Args.optional(in, 8), cout, "B");
        } else {
            outType = DType.INT32;
        }
        return List.of(ValueMeta.of(spatial == 2 ? new int[] {batch, cout, oh, ow} : new int[] {batch, cout, ow}, outType));
    }

    @Override
    public long macs() {
        return (long) batch * cout * oh * ow * (cin / group) * sa.kh() * sa.kw();
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        long[] x = in[0].ints(), wt = in[wIndex()].ints(), y = out[0].ints();
        long xz = Requantize.intAt(in.length > 2 ? in[2] : null, 0);
        Tensor wzp = in.length > wZeroIndex() ? in[wZeroIndex()] : null;
        Tensor bias = qlinear && in.length > 8 ? in[8] : null;
        int cinG = cin / group, coutG = cout / group, kh = sa.kh(), kw = sa.kw();
        for (int b = 0; b < batch; b++) {
            for (int oc = 0; oc < cout; oc++) {
                int g = oc / coutG;
                long wz = Requantize.intAt(wzp, oc);
                double multiplier = qlinear ? Requantize.floatAt(in[1], 0) * Requantize.floatAt(in[4], oc)
                        / Requantize.floatAt(in[6], 0) : 0;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        long acc = Requantize.intAt(bias, oc);
                        for (int c = 0; c < cinG; c++) {
                            int xPlane = (b * cin + g * cinG + c) * h * w, wBase = ((oc * cinG) + c) * kh * kw;
                            for (int u = 0; u < kh; u++) {
                                int yy = i * sa.sh() - sa.padTop() + u * sa.dh();
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int v = 0; v < kw; v++) {
                                    int xx = j * sa.sw() - sa.padLeft() + v * sa.dw();
                                    if (xx >= 0 && xx < w) {
                                        acc += (x[xPlane + yy * w + xx] - xz) * (wt[wBase + u * kw + v] - wz);
                                    }
                                }
                            }
                        }
                        int o = ((b * cout + oc) * oh + i) * ow + j;
                        y[o] = qlinear ? Requantize.toOutput(acc, multiplier, Requantize.intAt(in[7], 0), outType)
                                : outType.wrap(acc);
                    }
                }
            }
        }
    }
}
