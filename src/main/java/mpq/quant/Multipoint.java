package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * Multipoint quantization: an output channel's weights w ≈ Σ_i a_i v_i, every v_i on the layer's b-bit grid, so
 * that a channel can take more precision without mixed-precision hardware (each extra point is one more b-bit
 * output channel, summed into its channel).
 *
 * <p>Per channel, greedy matching pursuit: the first point is the recipe's (its scale, its integers); each next one
 * fits the residual r in the layer's output: a minimises E[((r − a·v(a))ᵀx)²] with v(a) = r/a rounded and clipped
 * to the grid (a scan over a), the expectation from each input's mean and variance ({@link InputMoments}: the mean
 * term is the shift of the channel's output, what low-bit weights lose most), and r −= a·v. Per layer, the extra points go one at a time to the channel whose output error ‖(w − w̃)ᵀx‖² on
 * calibration inputs x (from the float network) is largest, until they number fraction × the layer's channels or no
 * channel's error falls any more. Layers below 8 bits take them (every layer when none is).
 */
public final class Multipoint {
    private Multipoint() {}

    /** The most extra points one channel takes (most need one or two). */
    static final int MAX_EXTRA = 3;
    /** Calibration examples the output errors are measured on. */
    static final int EXAMPLES = 128;

    /** The recipe with extra points for its layers, fraction × each layer's channels at most. */
    public static QuantRecipe apply(PostTrainingQuantizer.Calibrated c, QuantRecipe recipe, double fraction,
                                    int threads, Progress progress) {
        Graph g = c.floatGraph();
        List<QuantRecipe.LayerQuant> layers = recipe.layers().stream()
                .filter(l -> l.weightParams().grid().bits() < 8).toList();
        if (layers.isEmpty()) {
            layers = recipe.layers();
        }
        Batches subset = c.data().first(EXAMPLES);
        Map<String, Node> nodes = new LinkedHashMap<>();
        g.nodes().forEach(n -> nodes.put(WeightLayer.nameOf(n), n));
        Map<String, List<QuantRecipe.ExtraPoint>> added = new LinkedHashMap<>();
        int total = 0, channels = 0;
        progress.start("multipoint", layers.size());
        try {
            for (QuantRecipe.LayerQuant l : layers) {
                Node n = nodes.get(l.name());
                Tensor w = g.weight(l.weight());
                int budget = extraPoints(fraction, w.dim(channelAxis(l)));
                channels += w.dim(channelAxis(l));
                if (budget > 0) {
                    Tensor x = Reconstruction.collect(g, l.input(), subset, threads);
                    List<QuantRecipe.ExtraPoint> points = layer(n, l, w, recipe.baseWeight(l, w), x, budget, threads);
                    if (!points.isEmpty()) {
                        added.put(l.name(), points);
                        total += points.size();
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        progress.note(String.format(Locale.ROOT, "multipoint: %d extra points over %d channels of %d layers "
                + "(fraction %.3g; errors on %d calibration examples)", total, channels, layers.size(), fraction,
                subset.examples()));
        return recipe.withExtraPoints(added);
    }

    /** The most extra points a layer of this many output channels takes: ⌊fraction × channels⌋. */
    public static int extraPoints(double fraction, int channels) {
        return (int) Math.floor(fraction * channels + 1e-9);
    }

    /** The axis of a layer's weight that holds its output channels: its scales' (multipoint needs per-channel). */
    static int channelAxis(QuantRecipe.LayerQuant l) {
        if (!l.weightParams().perChannel()) {
            throw new IllegalArgumentException("layer " + l.name() + ": multipoint needs per-channel weight scales");
        }
        return l.weightParams().axis();
    }

    /** base plus every extra point, each on its channel of the weight (grid: the levels' range, checked). */
    static Tensor add(Tensor base, int axis, List<QuantRecipe.ExtraPoint> points, IntGrid grid, String layer) {
        Tensor out = base.copy();
        int[][] index = channelIndex(base.shape(), axis);
        float[] y = out.data();
        for (QuantRecipe.ExtraPoint p : points) {
            if (p.channel() < 0 || p.channel() >= index.length) {
                throw new IllegalArgumentException("recipe layer '" + layer + "': extra point on channel " + p.channel()
                        + " of a weight with " + index.length);
            }
            int[] at = index[p.channel()];
            int[] v = p.levels();
            if (v.length != at.length) {
                throw new IllegalArgumentException("recipe layer '" + layer + "': extra point with " + v.length
                        + " levels for a channel of " + at.length + " weights");
            }
            for (int k = 0; k < at.length; k++) {
                if (v[k] < grid.qmin() || v[k] > grid.qmax()) {
                    throw new IllegalArgumentException("recipe layer '" + layer + "': extra level " + v[k]
                            + " lies outside the " + grid + " grid");
                }
                y[at[k]] += v[k] * p.scale();
            }
        }
        return out;
    }

    /** For each channel along axis, the indices of its elements in order. */
    static int[][] channelIndex(int[] shape, int axis) {
        int channels = shape[axis], inner = 1, size = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        for (int d : shape) {
            size *= d;
        }
        int per = size / channels;
        int[][] index = new int[channels][per];
        int[] fill = new int[channels];
        for (int i = 0; i < size; i++) {
            int c = (i / inner) % channels;
            index[c][fill[c]++] = i;
        }
        return index;
    }

    /** One layer's extra points: pursuit per channel, then the greedy choice of channels by output error. */
    private static List<QuantRecipe.ExtraPoint> layer(Node n, QuantRecipe.LayerQuant l, Tensor w, Tensor base,
                                                      Tensor x, int budget, int threads) {
        int axis = channelAxis(l);
        int[][] index = channelIndex(w.shape(), axis);
        int channels = index.length;
        IntGrid grid = l.weightParams().grid();
        InputMoments moments = InputMoments.of(n, w, x, axis);
        // approx[k]: the weight with k extra points in every channel; points[c][k]: channel c's (k+1)-th extra point.
        QuantRecipe.ExtraPoint[][] points = new QuantRecipe.ExtraPoint[channels][MAX_EXTRA];
        Tensor[] approx = new Tensor[MAX_EXTRA + 1];
        approx[0] = base;
        for (int k = 1; k <= MAX_EXTRA; k++) {
            approx[k] = approx[k - 1].copy();
            float[] a = approx[k].data(), wv = w.data();
            for (int c = 0; c < channels; c++) {
                int[] at = index[c];
                float[] r = new float[at.length];
                for (int i = 0; i < at.length; i++) {
                    r[i] = wv[at[i]] - a[at[i]];
                }
                QuantRecipe.ExtraPoint p = bestPoint(c, r, grid, moments.mean(c), moments.variance(c));
                points[c][k - 1] = p;
                int[] v = p.levels();
                for (int i = 0; i < at.length; i++) {
                    a[at[i]] += v[i] * p.scale();
                }
            }
        }
        double[][] error = new double[MAX_EXTRA + 1][];
        for (int k = 0; k <= MAX_EXTRA; k++) {
            error[k] = outputError(n, l, w, approx[k], x, threads);
        }
        int[] count = new int[channels];
        List<QuantRecipe.ExtraPoint> out = new ArrayList<>();
        for (int step = 0; step < budget; step++) {
            int best = -1;
            for (int c = 0; c < channels; c++) {
                int k = count[c];
                if (k < MAX_EXTRA && error[k + 1][c] < error[k][c] && (best < 0 || error[k][c] > error[count[best]][best])) {
                    best = c;
                }
            }
            if (best < 0) {
                break;   // no channel's error falls with another point
            }
            out.add(points[best][count[best]]);
            count[best]++;
        }
        return out;
    }

    /** The point (scale a, grid integers v) that best fits r: ‖r − a·v‖² least over a scan of a. */
    static QuantRecipe.ExtraPoint bestPoint(int channel, float[] r, IntGrid grid) {
        float[] ones = new float[r.length];
        java.util.Arrays.fill(ones, 1);
        return bestPoint(channel, r, grid, new float[r.length], ones);
    }

    /**
     * The point that best fits r in the layer's output: e = r − a·v least in E[(eᵀx)²] ≈ Σ var_k e_k² + (Σ μ_k e_k)²
     * for inputs x with per-element means μ and variances var (the mean term is the channel's output shift).
     */
    static QuantRecipe.ExtraPoint bestPoint(int channel, float[] r, IntGrid grid, float[] mean, float[] variance) {
        double maxAbs = 0;
        for (float v : r) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        int[] zero = new int[r.length];
        if (maxAbs == 0) {
            return new QuantRecipe.ExtraPoint(channel, 1f, zero);
        }
        double top = maxAbs / grid.qmax();   // the scale at which the largest residual just fits
        double bestA = top, bestErr = pointError(r, (float) top, grid, mean, variance);
        int coarse = 100, fine = 40;
        for (int k = 1; k < coarse; k++) {
            double a = top * k / coarse;
            double e = pointError(r, (float) a, grid, mean, variance);
            if (e < bestErr) {
                bestErr = e;
                bestA = a;
            }
        }
        double center = bestA;
        for (int k = -fine; k <= fine; k++) {
            double a = center + top * k / (coarse * fine);
            if (a <= 0 || a > top) {
                continue;
            }
            double e = pointError(r, (float) a, grid, mean, variance);
            if (e < bestErr) {
                bestErr = e;
                bestA = a;
            }
        }
        float a = (float) bestA;
        int[] v = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            v[i] = level(r[i], a, grid);
        }
        return new QuantRecipe.ExtraPoint(channel, a, v);
    }

    private static int level(float r, float a, IntGrid grid) {
        return (int) Math.max(grid.qmin(), Math.min(grid.qmax(), Math.rint(r / a)));
    }

    private static double pointError(float[] r, float a, IntGrid grid, float[] mean, float[] variance) {
        double s = 0, shift = 0;
        for (int k = 0; k < r.length; k++) {
            double d = r[k] - level(r[k], a, grid) * a;
            s += variance[k] * d * d;
            shift += mean[k] * d;
        }
        return s + shift * shift;
    }

    /** Per output channel, Σ over the examples of the squared output of the layer with weight w − approx, on x. */
    private static double[] outputError(Node n, QuantRecipe.LayerQuant l, Tensor w, Tensor approx, Tensor x,
                                        int threads) {
        float[] d = new float[w.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = w.data()[i] - approx.data()[i];
        }
        Tensor diff = new Tensor(w.shape(), d);
        int[] dims = x.shape();
        dims[0] = -1;
        List<String> inputs = new ArrayList<>(n.inputs());
        while (inputs.size() > 2) {
            inputs.removeLast();   // no bias: the error is linear in the weight
        }
        String in = inputs.get(0), weight = inputs.get(1);
        Node probe = new Node(n.name(), n.opType(), n.domain(), inputs, List.of("error"), n.attributes());
        Graph g = new Graph("multipoint-error", List.of(probe), List.of(new ValueInfo(in, DType.FLOAT, dims)),
                List.of(new ValueInfo("error", DType.FLOAT, new int[0])),
                Map.of(weight, new Attributes.Constant(diff, DType.FLOAT)), 13);
        try (Executor ex = new Executor(g, threads)) {
            Tensor y = ex.run(x);
            int channels = w.dim(channelAxis(l));
            int axis = l.opType().equals("Conv") ? 1 : y.rank() - 1;
            int inner = 1;
            for (int k = axis + 1; k < y.rank(); k++) {
                inner *= y.dim(k);
            }
            double[] e = new double[channels];
            float[] v = y.data();
            for (int i = 0; i < y.size(); i++) {
                int c = (i / inner) % channels;
                e[c] += (double) v[i] * v[i];
            }
            return e;
        }
    }
}
