package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.op.Ops;
import mpq.tensor.Tensor;

/**
 * Builds the simulated quantized model from a float graph and a recipe: every quantized weight is replaced by its
 * quantized-dequantized values (the learned integers where a refiner set them), biases (corrected ones where bias correction changed them) are rounded to the int32
 * grid a deployed model stores them on ({@link BiasQuant}), and each quantized activation gets an mpq.FakeQuant node
 * that all of the value's readers then read instead.
 */
public final class FakeQuantPass {
    private FakeQuantPass() {}

    /** Suffix of the value a FakeQuant node writes. */
    public static final String SUFFIX = "_fq";

    public static Graph apply(Graph g, QuantRecipe recipe) {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        Map<String, Node> layerNodes = new HashMap<>();
        for (Node n : g.nodes()) {
            layerNodes.put(WeightLayer.nameOf(n), n);
        }
        Map<Node, Node> replaced = new HashMap<>();
        for (QuantRecipe.LayerQuant l : recipe.layers()) {
            Tensor w = g.weight(l.weight());
            if (w == null) {
                throw new IllegalArgumentException("recipe layer '" + l.name() + "': weight '" + l.weight()
                        + "' is not in the graph");
            }
            // A multipoint layer's first points here; its extra points go to a branch beside it (MultipointBranch).
            init.put(l.weight(), new Attributes.Constant(recipe.baseWeight(l, w), DType.FLOAT));
            Node n = layerNodes.get(l.name());
            // The flag lets a target keep wider weights (depthwise kernels are exact); a recipe must not claim it.
            WeightLayer layer = n == null ? null : WeightLayer.of(n, g.initializers());
            if (l.depthwise() && (layer == null || !layer.depthwise(g))) {
                throw new mpq.base.BadInputException("recipe layer '" + l.name() + "' is marked depthwise, but in the "
                        + "model it is not a depthwise convolution");
            }
            float[] bias = recipe.biases().get(l.name());   // corrected by bias correction, or null
            Tensor b = recipe.floatBias(l, n, g);
            BiasQuant bq = b == null ? null : BiasQuant.of(recipe, l, n, b);
            if (bq != null) {
                bias = bq.dequantized();
            }
            if (bias != null) {
                replaced.put(n, withBias(n, bias, init));
            }
        }
        for (QuantRecipe.EmbeddingQuant e : recipe.embeddings()) {
            Tensor table = g.weight(e.table());
            if (table == null) {
                throw new IllegalArgumentException("recipe embedding table '" + e.table() + "' is not in the graph");
            }
            init.put(e.table(), new Attributes.Constant(RowwiseQuantizer.quantize(table, e.bits(), e.method())
                    .dequantized(), DType.FLOAT));
        }
        Set<String> taken = new HashSet<>(init.keySet());
        for (Node n : g.nodes()) {
            taken.addAll(n.outputs());
        }
        List<Node> branches = new ArrayList<>();
        for (Map.Entry<String, List<QuantRecipe.ExtraPoint>> e : recipe.extraPoints().entrySet()) {
            QuantRecipe.LayerQuant l = recipe.layer(e.getKey());
            Node n = layerNodes.get(l.name());
            Node main = MultipointBranch.apply(replaced.getOrDefault(n, n), l, e.getValue(),
                    g.weight(l.weight()).shape(), init, taken, branches);
            replaced.put(n, main);
        }
        Map<String, String> renamed = new HashMap<>();
        List<Node> added = new ArrayList<>();
        for (QuantRecipe.ActivationQuant a : recipe.activations()) {
            String out = Names.fresh(a.value() + SUFFIX, taken);
            renamed.put(a.value(), out);
            added.add(node(a.value(), out, a.params()));
        }
        Map<String, String> windowed = windows(g, recipe, layerNodes, renamed, taken, added);
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Node m = renameInputs(replaced.getOrDefault(n, n), renamed);
            String window = windowed.get(WeightLayer.nameOf(n));
            nodes.add(window == null ? m : withInput0(m, window));
        }
        for (Node n : branches) {
            nodes.add(renameInputs(n, renamed));
        }
        nodes.addAll(added);
        return new Graph(g.name(), nodes, g.inputs(), g.outputs(), FoldBatchNorm.usedOnly(init, nodes), g.opset());
    }

    /**
     * SPARQ's windows: for every windowed layer, an mpq.LevelTable node after its input's FakeQuant (one per value
     * and pairing), added to nodes; returns the value each windowed layer then reads, by layer name. Only the layers
     * read through the window: other readers of the activation (an Add, a pooling) see its 8-bit levels.
     */
    private static Map<String, String> windows(Graph g, QuantRecipe recipe, Map<String, Node> layerNodes,
                                               Map<String, String> renamed, Set<String> taken, List<Node> added) {
        Map<String, String> byLayer = new HashMap<>(), byKey = new HashMap<>();
        for (QuantRecipe.LayerQuant l : recipe.windowedLayers()) {
            WeightLayer layer = WeightLayer.of(layerNodes.get(l.name()), g.initializers());
            QuantParams p = recipe.activation(l.input()).params();
            int axis = layer.inputChannelAxis(), group = layer.inputGroupChannels(g);
            String key = l.input() + "|" + axis + "|" + group;
            String out = byKey.get(key);
            if (out == null) {
                out = Names.fresh(l.input() + "_sparq", taken);
                byKey.put(key, out);
                added.add(windowNode(renamed.get(l.input()), out, p, recipe.sparq(), axis, group));
            }
            byLayer.put(l.name(), out);
        }
        return byLayer;
    }

    /** An mpq.LevelTable node applying the windows to the levels of a FakeQuant output with parameters p. */
    public static Node windowNode(String in, String out, QuantParams p, SparqWindows w, int axis, int groupChannels) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("scale", p.scale(0));
        attrs.put("table", longs(w.table(p.grid().bits())));
        if (w.pairs()) {
            attrs.put("pair_table", longs(w.pairTable(p.grid().bits())));
            attrs.put("axis", (long) axis);
            attrs.put("group_channels", (long) groupChannels);
        }
        return new Node(out + "/LevelTable", Ops.LEVEL_TABLE, Ops.MPQ_DOMAIN, List.of(in), List.of(out),
                new Attributes(attrs));
    }

    private static long[] longs(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }

    private static Node withInput0(Node n, String input) {
        List<String> inputs = new ArrayList<>(n.inputs());
        inputs.set(0, input);
        return new Node(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes());
    }

    /** An mpq.FakeQuant node from in to out with the given parameters. */
    public static Node node(String in, String out, QuantParams p) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("scales", p.scales());
        long[] zp = new long[p.zeroPoints().length];
        for (int i = 0; i < zp.length; i++) {
            zp[i] = p.zeroPoint(i);
        }
        attrs.put("zero_points", zp);
        attrs.put("qmin", (long) p.grid().qmin());
        attrs.put("qmax", (long) p.grid().qmax());
        if (p.perChannel()) {
            attrs.put("axis", (long) p.axis());
        }
        return new Node(out + "/FakeQuant", Ops.FAKE_QUANT, Ops.MPQ_DOMAIN, List.of(in), List.of(out),
                new Attributes(attrs));
    }

    /** The layer node with its bias set to the given values (added as a new input when it had none). */
    private static Node withBias(Node n, float[] bias, Map<String, Attributes.Constant> init) {
        String name = n.input(2);
        float scale = WeightLayer.biasScale(n);
        float[] stored = new float[bias.length];
        for (int i = 0; i < bias.length; i++) {
            stored[i] = bias[i] / scale;
        }
        int[] shape = name.isEmpty() ? new int[] {bias.length} : init.get(name).tensor().shape();
        if (name.isEmpty()) {
            name = Names.fresh(WeightLayer.nameOf(n) + ".bias", init::containsKey);
        }
        init.put(name, new Attributes.Constant(new Tensor(shape, stored), DType.FLOAT));
        List<String> inputs = new ArrayList<>(List.of(n.input(0), n.input(1), name));
        return new Node(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes());
    }

    private static Node renameInputs(Node n, Map<String, String> renamed) {
        List<String> inputs = new ArrayList<>(n.inputs());
        boolean changed = false;
        for (int i = 0; i < inputs.size(); i++) {
            String r = renamed.get(inputs.get(i));
            if (r != null) {
                inputs.set(i, r);
                changed = true;
            }
        }
        return changed ? new Node(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes()) : n;
    }
}
