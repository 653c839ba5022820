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
 * GatherElements (y[i][j][k] = x[i][index][k] along axis) and ScatterElements (a copy of data with updates written at
 * the indices along axis; reduction none, add, mul, max or min). Negative indices count from the end.
 */
final class ElementIndexOp implements Op {
    private final boolean scatter;
    private final int axisAttr;
    private final String reduction;
    private int axis;
    private int[] dataShape, indexShape;

    ElementIndexOp(boolean scatter, Attributes a) {
        this.scatter = scatter;
        this.axisAttr = a.getInt("axis", 0);
        this.reduction = a.getString("reduction", "none");
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta data = Args.input(in, 0, "data"), idx = Args.input(in, 1, "indices");
        dataShape = data.shape();
        indexShape = idx.shape();
        if (dataShape.length != indexShape.length) {
            throw new IllegalArgumentException("data and indices differ in rank");
        }
        axis = Shapes.axis(axisAttr, dataShape.length);
        for (int d = 0; d < dataShape.length; d++) {
            if (d != axis && indexShape[d] > dataShape[d]) {
                throw new IllegalArgumentException("indices " + Shapes.toString(indexShape) + " reach past data "
                        + Shapes.toString(dataShape) + " along axis " + d);
            }
        }
        if (scatter && !Arrays.equals(Args.input(in, 2, "updates").shape(), indexShape)) {
            throw new IllegalArgumentException("updates " + Shapes.toString(in.get(2).shape()) + " and indices "
                    + Shapes.toString(indexShape) + " differ in shape");
        }
        return List.of(ValueMeta.of(scatter ? dataShape : indexShape, data.type()));
    }

    /** For each element of the index tensor, the data element it addresses. */
    private int[] targets(Tensor indices) {
        int[] ds = Shapes.strides(dataShape);
        int[] idx = new int[indexShape.length];
        int n = indices.size();
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            long k = indices.getLong(i);
            if (k < 0) {
                k += dataShape[axis];
            }
            if (k < 0 || k >= dataShape[axis]) {
                throw new IllegalArgumentException("index " + indices.getLong(i) + " out of range for size "
                        + dataShape[axis]);
            }
            int off = 0;
            for (int d = 0; d < idx.length; d++) {
                off += (d == axis ? (int) k : idx[d]) * ds[d];
            }
            t[i] = off;
            for (int d = idx.length - 1; d >= 0 && ++idx[d] == indexShape[d]; d--) {
                idx[d] = 0;
            }
        }
        return t;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int[] t = targets(in[1]);
        if (!scatter) {
            for (int i = 0; i < t.length; i++) {
                in[0].copyElement(t[i], out[0], i);
            }
            return;
        }
        in[0].copyInto(out[0]);
        Tensor u = in[2], y = out[0];
        for (int i = 0; i < t.length; i++) {
            Reductions.combine(reduction, u, i, y, t[i]);
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (scatter || gradIn[0] == null) {
            throw new UnsupportedOperationException("no backward pass for ScatterElements");
        }
        int[] t = targets(in[1]);
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int i = 0; i < t.length; i++) {
            dx[t[i]] += dy[i];
        }
    }

    @Override
    public String toString() {
        return (scatter ? "ScatterElements" : "GatherElements") + Arrays.toString(dataShape);
    }
}
