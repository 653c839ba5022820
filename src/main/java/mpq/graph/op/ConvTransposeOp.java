package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * ConvTranspose over 1, 2 or 3 spatial axes: every input element scatters x · W[c_in, c_out, k] to output position
 * i·stride − pad_begin + k·dilation. W is [C_in, C_out / group, k…]. The output size is
 * stride·(in − 1) + output_padding + (k − 1)·dilation + 1 − pad_begin − pad_end; with output_shape (or auto_pad
 * SAME_*, output = in · stride) the pads are derived, an odd one's extra at the end for SAME_UPPER and at the
 * start otherwise. A direct loop: correct for any geometry, not tuned for speed.
 */
final class ConvTransposeOp implements Op {
    private final Attributes attrs;
    private int batch, cin, cout, group, inSize, outSize, kSize;
    private int[] outShape;
    private int[] target;   // input position × kernel position → output position, or −1 outside

    ConvTransposeOp(Attributes a) {
        this.attrs = a;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X"), w = Args.input(in, 1, "W");
        Args.requireRank(x, 3, 5, "input X");
        int r = x.rank() - 2;
        int[] xs = x.shape(), ws = w.shape();
        if (ws.length != x.rank()) {
            throw new IllegalArgumentException("weights W of shape " + Shapes.toString(ws) + " for an input of rank " + x.rank());
        }
        group = Args.group(attrs);
        batch = xs[0];
        cin = xs[1];
        if (ws[0] != cin || cin % group != 0) {
            throw new IllegalArgumentException("W has " + ws[0] + " input channels, X has " + cin + " (group " + group + ")");
        }
        cout = ws[1] * group;
        int[] k = attrs.getInts("kernel_shape", Arrays.copyOfRange(ws, 2, ws.length));
        int[] stride = attrs.getInts("strides", Args.ones(r)), dil = attrs.getInts("dilations", Args.ones(r));
        int[] outPad = attrs.getInts("output_padding", new int[r]);
        int[] pads = attrs.getInts("pads", new int[2 * r]).clone();
        int[] explicit = attrs.getInts("output_shape", null);
        if (k.length != r || stride.length != r || dil.length != r || outPad.length != r || pads.length != 2 * r
                || (explicit != null && explicit.length < r)) {
            throw new IllegalArgumentException("kernel_shape, strides, dilations and output_padding need " + r
                    + " values, pads " + 2 * r + " and output_shape at least " + r);
        }
        Args.checkWindow(k, stride, dil, pads);
        for (int v : outPad) {
            if (v < 0) {
                throw new IllegalArgumentException("output_padding " + Arrays.toString(outPad) + " has a negative value");
            }
        }
        String autoPad = attrs.getString("auto_pad", "NOTSET");
        int[] iShape = Arrays.copyOfRange(xs, 2, xs.length);
        int[] oShape = new int[r];
        for (int d = 0; d < r; d++) {
            int full = stride[d] * (iShape[d] - 1) + outPad[d] + (k[d] - 1) * dil[d] + 1;
            int wanted = explicit != null ? explicit[explicit.length - r + d]
                    : autoPad.startsWith("SAME") ? iShape[d] * stride[d] : -1;
            if (wanted >= 0) {
                int total = full - wanted;
                boolean lower = !autoPad.equals("SAME_UPPER");   // as the spec says, also for an explicit output_shape
                pads[d] = lower ? total - Math.floorDiv(total, 2) : Math.floorDiv(total, 2);   // negative: room at the end
                pads[r + d] = total - pads[d];
            }
            oShape[d] = full - pads[d] - pads[r + d];
            if (oShape[d] <= 0) {
                throw new IllegalArgumentException("output size " + oShape[d] + " along spatial axis " + d);
            }
        }
        inSize = Shapes.size(iShape);
        outSize = Shapes.size(oShape);
        kSize = Shapes.size(k);
        target = new int[inSize * kSize];
        int[] ic = new int[r], kc = new int[r];
        for (int p = 0; p < inSize; p++) {
            Shapes.unravel(p, iShape, ic);
            for (int q = 0; q < kSize; q++) {
                Shapes.unravel(q, k, kc);
                int o = 0;
                for (int d = 0; d < r && o >= 0; d++) {
                    int od = ic[d] * stride[d] - pads[d] + kc[d] * dil[d];
                    o = od < 0 || od >= oShape[d] ? -1 : o * oShape[d] + od;
                }
                target[p * kSize + q] = o;
            }
        }
        outShape = new int[xs.length];
        outShape[0] = batch;
        outShape[1] = cout;
        System.arraycopy(oShape, 0, outShape, 2, r);
        ValueMeta b = Args.optional(in, 2);
        if (b != null && b.size() != cout) {
            throw new IllegalArgumentException("bias B has " + b.size() + " values for " + cout + " output channels");
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    @Override
    public long macs() {
        return (long) batch * cin * (cout / group) * inSize * kSize;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), w = in[1].data(), y = out[0].data();
        float[] b = in.length > 2 && in[2] != null ? in[2].data() : null;
        int cinG = cin / group, coutG = cout / group;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < cout; c++) {
                Arrays.fill(y, (n * cout + c) * outSize, (n * cout + c + 1) * outSize, b == null ? 0 : b[c]);
            }
            for (int g = 0; g < group; g++) {
                for (int icg = 0; icg < cinG; icg++) {
                    int ci = g * cinG + icg;
                    int xBase = (n * cin + ci) * inSize;
                    for (int p = 0; p < inSize; p++) {
                        float xv = x[xBase + p];
                        for (int q = 0; q < kSize; q++) {
                            int o = target[p * kSize + q];
                            if (o < 0) {
                                continue;
                            }
                            for (int oc = 0; oc < coutG; oc++) {
                                y[(n * cout + g * coutG + oc) * outSize + o] += xv * w[(ci * coutG + oc) * kSize + q];
                            }
                        }
                    }
                }
            }
        }
    }
}
