package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Tile: the input repeated along each axis the given number of times. */
final class TileOp implements Op {
    private int[] inShape, outShape;

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        long[] repeats = Args.constantLongs(Args.input(in, 1, "repeats"), "Tile repeats");
        inShape = x.shape();
        if (repeats.length != inShape.length) {
            throw new IllegalArgumentException("repeats has " + repeats.length + " values for rank " + inShape.length);
        }
        outShape = new int[inShape.length];
        for (int d = 0; d < inShape.length; d++) {
            if (repeats[d] < 0) {
                throw new IllegalArgumentException("negative repeat " + repeats[d]);
            }
            outShape[d] = Math.toIntExact(inShape[d] * repeats[d]);
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int[] inStrides = Shapes.strides(inShape);
        int[] idx = new int[outShape.length];
        for (int o = 0; o < out[0].size(); o++) {
            int src = 0;
            for (int d = 0; d < idx.length; d++) {
                src += (idx[d] % inShape[d]) * inStrides[d];
            }
            in[0].copyElement(src, out[0], o);
            for (int d = idx.length - 1; d >= 0 && ++idx[d] == outShape[d]; d--) {
                idx[d] = 0;
            }
        }
    }
}
