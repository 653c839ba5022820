package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Conv2d;
import mpq.tensor.ConvGeometry;
import mpq.tensor.ConvBackward;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * ONNX Conv: X [N, C, (H,) W], W [M, C/group, (kH,) kW], optional bias B [M] on the vectorised kernels; 3-D inputs
 * [N, C, D, H, W] by direct loops ({@link WindowNd}, forward only).
 */
final class ConvOp implements Op {
    private final Attributes attrs;
    private ConvGeometry geometry;
    private int[] outShape;
    private boolean relu;
    private Tensor constWeights, constBias;
    private Conv2d kernel;       // built at plan time when weights and bias are constants
    private WindowNd window;     // 3-D inputs
    private int volumeChannelsPerGroup;

    ConvOp(Attributes attrs) {
        this.attrs = attrs;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        ValueMeta w = Args.input(in, 1, "W");
        ValueMeta b = Args.optional(in, 2);
        Args.requireRank(x, 3, 5, "input X");
        if (w.rank() != x.rank()) {
            throw new IllegalArgumentException("weights W of shape " + java.util.Arrays.toString(w.shape())
                    + " do not match the rank of input X " + java.util.Arrays.toString(x.shape()));
        }
        if (x.rank() == 5) {
            return inferVolume(x, w, b);
        }
        int spatial = x.rank() - 2;
        int[] xs = x.shape(), ws = w.shape();
        int h = spatial == 2 ? xs[2] : 1, wd = xs[xs.length - 1];
        int[] kFromW = spatial == 2 ? new int[] {ws[2], ws[3]} : new int[] {ws[2]};
        SpatialAttrs sa = SpatialAttrs.resolve(attrs, spatial, h, wd, kFromW);
        int group = Args.group(attrs);
        if (ws[1] * group != xs[1] || ws[0] % group != 0) {
            throw new IllegalArgumentException("input has " + xs[1] + " channels but W " + java.util.Arrays.toString(ws)
                    + " with group " + group + " expects " + ws[1] * group);
        }
        if (b != null && (b.rank() != 1 || b.shape()[0] != ws[0])) {
            throw new IllegalArgumentException("bias B must have shape [" + ws[0] + "]");
        }
        geometry = new ConvGeometry(xs[1], h, wd, ws[0], sa.kh(), sa.kw(), sa.sh(), sa.sw(), sa.dh(), sa.dw(),
                sa.padTop(), sa.padLeft(), sa.padBottom(), sa.padRight(), group);
        outShape = spatial == 2 ? new int[] {xs[0], ws[0], geometry.outH(), geometry.outW()}
                : new int[] {xs[0], ws[0], geometry.outW()};
        if (w.isConstant() && (b == null || b.isConstant())) {
            constWeights = w.constant();
            constBias = b == null ? null : b.constant();
            kernel = build(constWeights, constBias);
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    private List<ValueMeta> inferVolume(ValueMeta x, ValueMeta w, ValueMeta b) {
        int[] xs = x.shape(), ws = w.shape();
        int group = Args.group(attrs);
        if (ws[1] * group != xs[1] || ws[0] % group != 0) {
            throw new IllegalArgumentException("input has " + xs[1] + " channels but W " + java.util.Arrays.toString(ws)
                    + " with group " + group + " expects " + ws[1] * group);
        }
        if (b != null && b.size() != ws[0]) {
            throw new IllegalArgumentException("bias B must have shape [" + ws[0] + "]");
        }
        window = WindowNd.of(attrs, java.util.Arrays.copyOfRange(xs, 2, 5), java.util.Arrays.copyOfRange(ws, 2, 5), false);
        volumeChannelsPerGroup = ws[1];
        outShape = new int[] {xs[0], ws[0], window.out[0], window.out[1], window.out[2]};
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    private Conv2d build(Tensor w, Tensor b) {
        return new Conv2d(geometry, w.data(), b == null ? null : b.data(), relu);
    }

    @Override
    public boolean fuseRelu() {
        if (window != null) {
            return false;
        }
        relu = true;
        if (kernel != null) {
            kernel = build(constWeights, constBias);
        }
        return true;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        if (window != null) {
            window.conv(in[0].data(), in[1].data(), in.length > 2 && in[2] != null ? in[2].data() : null,
                    out[0].data(), outShape[0], in[0].shape()[1], outShape[1], attrs.getInt("group", 1));
            return;
        }
        Conv2d k = kernel != null ? kernel : build(in[1], in.length > 2 ? in[2] : null);
        k.forward(in[0].data(), outShape[0], out[0].data(), par);
    }

    @Override
    public long macs() {
        if (window != null) {
            return (long) outShape[0] * outShape[1] * window.outSize * window.taps * volumeChannelsPerGroup;
        }
        return geometry.macs() * outShape[0];
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (window != null) {
            throw new UnsupportedOperationException("no backward pass for 3-D Conv");
        }
        ConvBackward.backward(geometry, in[0].data(), in[1].data(), gradOut[0].data(), outShape[0],
                gradIn[0] == null ? null : gradIn[0].data(), gradIn[1] == null ? null : gradIn[1].data(),
                gradIn.length > 2 && gradIn[2] != null ? gradIn[2].data() : null, par);
    }
}
