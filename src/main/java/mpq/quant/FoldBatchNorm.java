package mpq.quant;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Folds an inference-mode BatchNormalization into the Conv or Gemm that feeds it, as a deployed model does:
 * with s = γ / √(var + ε) per output channel, W' = W · s and b' = (b − mean) · s + β. The BN's input must be read by
 * the BN alone and its parameters must be initializers; other BNs stay as they are.
 */
public final class FoldBatchNorm {
    private FoldBatchNorm() {}

    /** The graph with every foldable BatchNormalization folded; the input graph is not changed. */
    public static Graph apply(Graph g) {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        Map<String, List<Node>> consumers = g.consumers();
        Map<String, Node> producers = g.producers();
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfo v : g.outputs()) {
            graphOutputs.add(v.name());
        }
        Map<Node, Node> replaced = new LinkedHashMap<>();   // layer node → folded layer node
        Set<Node> removed = new HashSet<>();
        for (Node bn : g.nodes()) {
            if (!bn.opType().equals("BatchNormalization") || bn.outputs().size() != 1) {
                continue;
            }
            Node producer = producers.get(bn.input(0));
            if (producer == null || replaced.containsKey(producer) || graphOutputs.contains(bn.input(0))
                    || consumers.get(bn.input(0)).size() != 1) {
                continue;
            }
            WeightLayer layer = WeightLayer.of(producer, init);
            if (layer == null || layer.node().opType().equals("MatMul") || !allConstant(bn, init)) {
                continue;
            }
            Node folded = fold(layer, bn, init, consumers);
            if (folded != null) {
                replaced.put(producer, folded);
                removed.add(bn);
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!removed.contains(n)) {
                nodes.add(replaced.getOrDefault(n, n));
            }
        }
        return new Graph(g.name(), nodes, g.inputs(), g.outputs(), usedOnly(init, nodes), g.opset());
    }

    private static boolean allConstant(Node bn, Map<String, Attributes.Constant> init) {
        for (int i = 1; i <= 4; i++) {
            if (!init.containsKey(bn.input(i))) {
                return false;
            }
        }
        return true;
    }

    /** Writes the folded weight and bias into init and returns the layer node that replaces layer + BN. */
    private static Node fold(WeightLayer layer, Node bn, Map<String, Attributes.Constant> init,
                             Map<String, List<Node>> consumers) {
        float[] gamma = init.get(bn.input(1)).tensor().data(), beta = init.get(bn.input(2)).tensor().data();
        float[] mean = init.get(bn.input(3)).tensor().data(), var = init.get(bn.input(4)).tensor().data();
        float eps = bn.attributes().getFloat("epsilon", 1e-5f);
        Tensor w = init.get(layer.weight()).tensor();
        int channels = w.dim(layer.channelAxis());
        if (gamma.length != channels) {
            return null;
        }
        Node node = layer.node();
        float gemmBeta = WeightLayer.biasScale(node);
        if (!layer.bias().isEmpty() && gemmBeta == 0) {
            return null;
        }
        // float32 arithmetic in the order exporters fold in, so a model folded here equals one folded before
        // export bit for bit.
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = gamma[c] / (float) Math.sqrt(var[c] + eps);
        }
        float[] wd = w.data(), nw = new float[w.size()];
        int inner = Shapes.size(java.util.Arrays.copyOfRange(w.shape(), layer.channelAxis() + 1, w.rank()));
        for (int i = 0; i < nw.length; i++) {
            nw[i] = wd[i] * s[(i / inner) % channels];
        }
        float[] oldBias = layer.bias().isEmpty() ? new float[channels] : init.get(layer.bias()).tensor().data();
        float[] nb = new float[channels];
        for (int c = 0; c < channels; c++) {
            nb[c] = ((gemmBeta * oldBias[c] - mean[c]) * s[c] + beta[c]) / gemmBeta;
        }
        String wName = ownName(layer.weight(), consumers, init, layer.name() + ".weight");
        String bName = layer.bias().isEmpty() ? Names.fresh(layer.name() + ".bias", init::containsKey)
                : ownName(layer.bias(), consumers, init, layer.name() + ".bias");
        init.put(wName, new Attributes.Constant(new Tensor(w.shape(), nw), DType.FLOAT));
        int[] biasShape = layer.bias().isEmpty() ? new int[] {channels} : init.get(layer.bias()).tensor().shape();
        init.put(bName, new Attributes.Constant(new Tensor(biasShape, nb), DType.FLOAT));
        List<String> inputs = new ArrayList<>(List.of(node.input(0), wName, bName));
        return new Node(node.name(), node.opType(), node.domain(), inputs, bn.outputs(), node.attributes());
    }

    /** The value's own name when only this layer reads it (so it may be overwritten), else a fresh one. */
    private static String ownName(String name, Map<String, List<Node>> consumers, Map<String, Attributes.Constant> init,
                                  String fallback) {
        return consumers.getOrDefault(name, List.of()).size() == 1 ? name : Names.fresh(fallback, init::containsKey);
    }

    /** Initializers some node still reads. */
    static Map<String, Attributes.Constant> usedOnly(Map<String, Attributes.Constant> init, List<Node> nodes) {
        Set<String> used = new HashSet<>();
        for (Node n : nodes) {
            used.addAll(n.inputs());
        }
        Map<String, Attributes.Constant> out = new LinkedHashMap<>();
        for (Map.Entry<String, Attributes.Constant> e : init.entrySet()) {
            if (used.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
