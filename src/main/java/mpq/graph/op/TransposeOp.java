package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** Transpose by a permutation of the axes (default: reversed). */
final class TransposeOp implements Op {
    private final int[] permAttr;
    private int[] outShape, strides;

    TransposeOp(Attributes a) {
        permAttr = a.getInts("perm", null);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "data");
        int r = x.rank();
        int[] perm = permAttr;
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw new IllegalArgumentException("perm has " + perm.length + " entries for rank " + r);
        }
        boolean[] seen = new boolean[r];
        int[] inStrides = Shapes.strides(x.shape());
        outShape = new int[r];
        strides = new int[r];
        for (int i = 0; i < r; i++) {
            int p = Shapes.axis(perm[i], r);
            if (seen[p]) {
                throw new IllegalArgumentException("perm repeats axis " + p);
            }
            seen[p] = true;
            outShape[i] = x.shape()[p];
            strides[i] = inStrides[p];
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Strided.copy(in[0], 0, strides, outShape, out[0]);
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        Strided.scatterAdd(gradOut[0].data(), 0, strides, outShape, gradIn[0].data());
    }
}
