package mpq.graph.op;

import java.util.ArrayList;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Split along an axis into parts of given sizes (attribute before opset 13, input after) or equal parts. */
final class SplitOp implements Op {
    private final int axisAttr, outputs, opset;
    private final long[] splitAttr;
    private int outer, inner, dim;
    private int[] sizes;

    SplitOp(Attributes a, int outputs, int opset) {
        this.axisAttr = a.getInt("axis", 0);
        this.outputs = outputs;
        this.opset = opset;
        this.splitAttr = a.getLongs("split", null);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        int[] s = x.shape();
        int axis = Shapes.axis(axisAttr, s.length);
        dim = s[axis];
        outer = Shapes.product(s, 0, axis);
        inner = Shapes.product(s, axis + 1, s.length);
        long[] split = splitAttr;
        ValueMeta sp = Args.optional(in, 1);
        if (opset >= 13 && sp != null) {
            split = Args.constantLongs(sp, "split");
        }
        sizes = new int[outputs];
        if (split == null) {
            int each = (dim + outputs - 1) / outputs;
            for (int i = 0; i < outputs; i++) {
                sizes[i] = Math.max(0, Math.min(each, dim - i * each));
            }
        } else {
            if (split.length != outputs) {
                throw new IllegalArgumentException("split has " + split.length + " sizes for " + outputs + " outputs");
            }
            long total = 0;
            for (int i = 0; i < outputs; i++) {
                sizes[i] = (int) split[i];
                total += split[i];
            }
            if (total != dim) {
                throw new IllegalArgumentException("split sizes add up to " + total + ", the axis has " + dim);
            }
        }
        List<ValueMeta> out = new ArrayList<>();
        for (int size : sizes) {
            int[] o = s.clone();
            o[axis] = size;
            out.add(ValueMeta.of(o, x.type()));
        }
        return out;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        for (int o = 0; o < outer; o++) {
            int from = 0;
            for (int k = 0; k < sizes.length; k++) {
                in[0].copyRange((o * dim + from) * inner, out[k], o * sizes[k] * inner, sizes[k] * inner);
                from += sizes[k];
            }
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dx = gradIn[0].data();
        for (int o = 0; o < outer; o++) {
            int from = 0;
            for (int k = 0; k < sizes.length; k++) {
                if (gradOut[k] != null) {
                    float[] dy = gradOut[k].data();
                    int src = o * sizes[k] * inner, dst = (o * dim + from) * inner;
                    for (int e = 0; e < sizes[k] * inner; e++) {
                        dx[dst + e] += dy[src + e];
                    }
                }
                from += sizes[k];
            }
        }
    }
}
