package mpq.graph.op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * The ops that only change a shape and keep the data as it is: Reshape, Flatten, Squeeze, Unsqueeze, Identity, and
 * Dropout at inference (with its mask output all true). Their output shares the input's storage.
 */
final class ReshapeOp implements Op {
    enum Kind { RESHAPE, FLATTEN, SQUEEZE, UNSQUEEZE, IDENTITY, DROPOUT }

    private final Kind kind;
    private final Attributes attrs;
    private final int opset;

    ReshapeOp(Kind kind, Attributes attrs, int opset) {
        this.kind = kind;
        this.attrs = attrs;
        this.opset = opset;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "data");
        int[] s = x.shape();
        int[] out = switch (kind) {
            case IDENTITY, DROPOUT -> s;
            case RESHAPE -> reshape(s, Args.constantLongs(Args.input(in, 1, "shape"), "Reshape shape"),
                    attrs.getInt("allowzero", 0) != 0);
            case FLATTEN -> {
                int axis = attrs.getInt("axis", 1);
                axis = axis < 0 ? axis + s.length : axis;
                if (axis < 0 || axis > s.length) {
                    throw new IllegalArgumentException("Flatten axis " + attrs.getInt("axis", 1) + " out of range");
                }
                yield new int[] {Shapes.product(s, 0, axis), Shapes.product(s, axis, s.length)};
            }
            case SQUEEZE -> squeeze(s, axes(in));
            case UNSQUEEZE -> unsqueeze(s, axes(in));
        };
        if (kind == Kind.DROPOUT && randomDropout(Args.optional(in, 1), Args.optional(in, 2))) {
            throw new IllegalArgumentException("training-mode Dropout with a ratio above 0 is random and is not "
                    + "supported (mpq runs inference)");
        }
        // Folded constants keep their values: the output is the same data under the new shape.
        ValueMeta y = x.isConstant() ? ValueMeta.constant(x.constant().reshape(out), x.type()) : ValueMeta.of(out, x.type());
        return kind == Kind.DROPOUT ? List.of(y, ValueMeta.of(out, mpq.tensor.DType.BOOL)) : List.of(y);
    }

    /**
     * Training mode drops elements at random unless the ratio is 0. Known here when both are constants; a mode or
     * ratio fed at run time is checked by {@link #forward}.
     */
    private boolean randomDropout(ValueMeta ratio, ValueMeta trainingMode) {
        if (opset < 7) {
            return attrs.getInt("is_test", 1) == 0 && attrs.getFloat("ratio", 0.5f) != 0;
        }
        if (trainingMode == null || !trainingMode.isConstant() || Args.constantScalar(trainingMode, "training_mode") == 0) {
            return false;
        }
        return ratio == null || (ratio.isConstant() && Args.constantScalar(ratio, "ratio") != 0);
    }

    private int[] axes(List<ValueMeta> in) {
        if (opset >= 13) {
            ValueMeta a = Args.optional(in, 1);
            return a == null ? null : Args.constantInts(a, "axes");
        }
        return attrs.getInts("axes", null);
    }

    private static int[] reshape(int[] in, long[] spec, boolean allowZero) {
        int[] out = new int[spec.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.length; i++) {
            long v = spec[i];
            if (v == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape shape has more than one -1: " + Arrays.toString(spec));
                }
                infer = i;
                continue;
            }
            if (v == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("Reshape shape " + Arrays.toString(spec) + " copies dim " + i
                            + " that the input " + Shapes.toString(in) + " lacks");
                }
                v = in[i];
            }
            if (v < 0) {
                throw new IllegalArgumentException("invalid Reshape dimension " + v);
            }
            out[i] = (int) v;
            known *= v;
        }
        int total = Shapes.size(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shapes.toString(in) + " to " + Arrays.toString(spec));
            }
            out[infer] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.toString(in) + " to " + Arrays.toString(spec));
        }
        return out;
    }

    private static int[] squeeze(int[] in, int[] axes) {
        List<Integer> keep = new ArrayList<>();
        boolean[] drop = new boolean[in.length];
        if (axes == null) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (int a : Args.normalizeAxes(axes, in.length)) {
                if (in[a] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of size " + in[a]);
                }
                drop[a] = true;
            }
        }
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                keep.add(in[i]);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] unsqueeze(int[] in, int[] axes) {
        if (axes == null) {
            throw new IllegalArgumentException("Unsqueeze needs axes");
        }
        int rank = in.length + axes.length;
        boolean[] added = new boolean[rank];
        for (int a : Args.normalizeAxes(axes, rank)) {
            if (added[a]) {
                throw new IllegalArgumentException("Unsqueeze axis " + a + " repeated");
            }
            added[a] = true;
        }
        int[] out = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = added[i] ? 1 : in[j++];
        }
        return out;
    }

    @Override
    public boolean outputAliasesInput() {
        return kind != Kind.DROPOUT;   // Dropout's forward fills its mask output
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        if (kind == Kind.DROPOUT && in.length > 2 && in[2] != null && in[2].getDouble(0) != 0
                && (in[1] == null || in[1].getDouble(0) != 0)) {
            throw new IllegalArgumentException("training-mode Dropout with a ratio above 0 is random and is not "
                    + "supported (mpq runs inference)");
        }
        if (!in[0].sameStorage(out[0])) {
            in[0].copyInto(out[0]);
        }
        if (out.length > 1 && out[1] != null) {
            java.util.Arrays.fill(out[1].ints(), 0, out[1].size(), 1);   // Dropout's mask: every element kept
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int i = 0; i < in[0].size(); i++) {
            dx[i] += dy[i];
        }
    }
}
