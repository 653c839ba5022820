package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Attributes;
import mpq.graph.Node;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * A multipoint layer as a graph: the layer as it is, on its first points; beside it the same layer over its extra
 * points only — one more output channel per point, on the same grid, reading the same input (a grouped convolution
 * first gathers each point's input channels) — and a fixed float combination that adds every extra output to its
 * channel (a 1 × 1 convolution, or a MatMul, with 0/1 weights), then an Add. The simulation ({@link FakeQuantPass})
 * and the export build the same nodes, so that a runtime computes what mpq measured; the export stores the extra
 * weight as b-bit integers with a DequantizeLinear ({@link #params}), as it stores every weight.
 */
public final class MultipointBranch {
    private MultipointBranch() {}

    /** The initializer that holds a layer's extra-point weight (its values on the grid times the points' scales). */
    public static String weightName(QuantRecipe.LayerQuant l) {
        return l.weight() + "_extra_points";
    }

    /** The grid parameters of the extra-point weight: one scale per point, zero points 0, along the layer's axis. */
    public static QuantParams params(QuantRecipe.LayerQuant l, List<QuantRecipe.ExtraPoint> points) {
        float[] s = new float[points.size()];
        for (int j = 0; j < s.length; j++) {
            s[j] = points.get(j).scale();
        }
        return new QuantParams(l.weightParams().grid(), true, s, new int[s.length], l.weightParams().axis());
    }

    /** The same layer entry for the extra-point weight, so it is stored like a layer's weight. */
    public static QuantRecipe.LayerQuant asLayer(QuantRecipe.LayerQuant l, List<QuantRecipe.ExtraPoint> points) {
        return new QuantRecipe.LayerQuant(l.name() + "_extra_points", l.opType(), false, weightName(l), l.input(),
                l.weightBits(), l.actBits(), params(l, points), l.weightEstimator());
    }

    /**
     * Adds the extra-point branch of layer node n — its weight initializer ({@link #weightName}, float) and its
     * nodes — and returns n with its output renamed so that the Add of the two writes n's output.
     */
    static Node apply(Node n, QuantRecipe.LayerQuant l, List<QuantRecipe.ExtraPoint> points, int[] weightShape,
                      Map<String, Attributes.Constant> init, Set<String> taken, List<Node> nodes) {
        int e = points.size();
        int axis = l.weightParams().axis();
        int channels = weightShape[axis];
        int per = points.getFirst().levels().length;
        String base = l.weight();
        String out = n.output(0);
        String main = Names.fresh(out + "_first_points", taken);

        // The extra points' weight: the layer's layout with e output channels, levels · scale per point.
        int[] shape = weightShape.clone();
        shape[axis] = e;
        float[] values = new float[e * per];
        for (int j = 0; j < e; j++) {
            int[] v = points.get(j).levels();
            float scale = points.get(j).scale();
            for (int k = 0; k < per; k++) {
                values[axis == 0 ? j * per + k : k * e + j] = v[k] * scale;
            }
        }
        String w = weightName(l);
        if (!taken.add(w)) {
            throw new IllegalArgumentException("layer " + l.name() + ": the model already has a value named '" + w + "'");
        }
        init.put(w, new Attributes.Constant(new Tensor(shape, values), DType.FLOAT));

        String in = n.input(0);
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String a : n.attributes().names()) {
            attrs.put(a, n.attributes().raw(a));
        }
        int group = n.opType().equals("Conv") ? n.attributes().getInt("group", 1) : 1;
        if (group > 1) {
            // Each point reads its channel's group: gather those input channels, one group per point.
            int inPerGroup = weightShape[1], outPerGroup = channels / group;
            long[] idx = new long[e * inPerGroup];
            for (int j = 0; j < e; j++) {
                int g = points.get(j).channel() / outPerGroup;
                for (int k = 0; k < inPerGroup; k++) {
                    idx[j * inPerGroup + k] = (long) g * inPerGroup + k;
                }
            }
            String indices = Names.fresh(base + "_extra_points_inputs", taken);
            String gathered = Names.fresh(in + "_for_extra_points", taken);
            init.put(indices, new Attributes.Constant(new Tensor(DType.INT64, new int[] {idx.length}, idx), DType.INT64));
            nodes.add(new Node(gathered + "/Gather", "Gather", "", List.of(in, indices), List.of(gathered),
                    new Attributes(Map.of("axis", 1L))));
            in = gathered;
            attrs.put("group", (long) e);
        }
        String extraOut = Names.fresh(out + "_extra_points", taken);
        List<String> extraInputs = new ArrayList<>(List.of(in, w));
        nodes.add(new Node(n.name() + "_extra_points", n.opType(), n.domain(), extraInputs, List.of(extraOut),
                new Attributes(attrs)));

        // The fixed combination: extra output j adds to channel points[j].channel.
        String m = Names.fresh(base + "_extra_points_combination", taken);
        String combined = Names.fresh(out + "_extra_points_combined", taken);
        float[] ones = new float[channels * e];
        boolean conv = n.opType().equals("Conv");
        for (int j = 0; j < e; j++) {
            int c = points.get(j).channel();
            ones[conv ? c * e + j : j * channels + c] = 1;
        }
        if (conv) {
            int spatial = weightShape.length - 2;
            int[] mShape = new int[2 + spatial];
            mShape[0] = channels;
            mShape[1] = e;
            java.util.Arrays.fill(mShape, 2, mShape.length, 1);
            init.put(m, new Attributes.Constant(new Tensor(mShape, ones), DType.FLOAT));
            nodes.add(new Node(combined + "/Conv", "Conv", "", List.of(extraOut, m), List.of(combined),
                    Attributes.none()));
        } else {
            init.put(m, new Attributes.Constant(new Tensor(new int[] {e, channels}, ones), DType.FLOAT));
            nodes.add(new Node(combined + "/MatMul", "MatMul", "", List.of(extraOut, m), List.of(combined),
                    Attributes.none()));
        }
        nodes.add(new Node(out + "/AddExtraPoints", "Add", "", List.of(main, combined), List.of(out),
                Attributes.none()));
        return new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of(main), n.attributes());
    }
}
