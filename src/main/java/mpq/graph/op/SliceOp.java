package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** Slice with starts/ends/axes/steps (inputs from opset 10, attributes before), clamped as ONNX specifies. */
final class SliceOp implements Op {
    private final Attributes attrs;
    private final int opset;
    private int base;
    private int[] outShape, strides;

    SliceOp(Attributes attrs, int opset) {
        this.attrs = attrs;
        this.opset = opset;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "data");
        int[] s = x.shape();
        long[] starts, ends, axesL, steps;
        if (opset >= 10) {
            starts = Args.constantLongs(Args.input(in, 1, "starts"), "Slice starts");
            ends = Args.constantLongs(Args.input(in, 2, "ends"), "Slice ends");
            ValueMeta a = Args.optional(in, 3), st = Args.optional(in, 4);
            axesL = a == null ? null : Args.constantLongs(a, "Slice axes");
            steps = st == null ? null : Args.constantLongs(st, "Slice steps");
        } else {
            starts = attrs.getLongs("starts", null);
            ends = attrs.getLongs("ends", null);
            axesL = attrs.getLongs("axes", null);
            steps = null;
            if (starts == null || ends == null) {
                throw new IllegalArgumentException("Slice needs starts and ends");
            }
        }
        if (starts.length != ends.length || (axesL != null && axesL.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("Slice starts, ends, axes and steps must have equal lengths");
        }
        int r = s.length;
        long[] begin = new long[r];
        long[] step = new long[r];
        outShape = s.clone();
        for (int i = 0; i < r; i++) {
            step[i] = 1;
        }
        for (int i = 0; i < starts.length; i++) {
            int axis = Shapes.axis(axesL == null ? i : (int) axesL[i], r);
            long dim = s[axis];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new IllegalArgumentException("Slice step must not be 0");
            }
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                b = Math.max(0, Math.min(dim, b));
                e = Math.max(0, Math.min(dim, e));
                outShape[axis] = (int) Math.max(0, (e - b + st - 1) / st);
            } else {
                b = Math.max(-1, Math.min(dim - 1, b));
                e = Math.max(-1, Math.min(dim - 1, e));
                outShape[axis] = (int) Math.max(0, (b - e + (-st) - 1) / (-st));
            }
            begin[axis] = b;
            step[axis] = st;
        }
        int[] inStrides = Shapes.strides(s);
        strides = new int[r];
        base = 0;
        for (int i = 0; i < r; i++) {
            strides[i] = (int) (step[i] * inStrides[i]);
            if (outShape[i] > 0) {
                base += (int) (begin[i] * inStrides[i]);
            }
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Strided.copy(in[0], base, strides, outShape, out[0]);
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        Strided.scatterAdd(gradOut[0].data(), base, strides, outShape, gradIn[0].data());
    }
}
