package mpq.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;

/**
 * A layer whose weights mpq quantizes: a Conv, a Gemm or a MatMul whose weight is an initializer. Knows which
 * inputs are the data, the weight and the bias, and along which weight axis the output channels lie.
 */
public record WeightLayer(String name, Node node, String input, String weight, String bias, int channelAxis) {
    /** Layer op types mpq quantizes. */
    public static final List<String> TYPES = List.of("Conv", "Gemm", "MatMul");

    /** The weight layers of a graph, in graph order. A node without a name is named after its first output. */
    public static List<WeightLayer> find(Graph g) {
        List<WeightLayer> layers = new ArrayList<>();
        for (Node n : g.nodes()) {
            WeightLayer l = of(n, g.initializers());
            if (l != null) {
                layers.add(l);
            }
        }
        return layers;
    }

    /** The name a layer (or any node) goes by: its own, or its first output's when it has none. */
    public static String nameOf(Node n) {
        return n.name().isEmpty() ? n.output(0) : n.name();
    }

    /** The layer a node forms, or null when it is not a weight layer mpq handles. */
    public static WeightLayer of(Node n, Map<String, Attributes.Constant> init) {
        String name = nameOf(n);
        boolean defaultDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
        if (!defaultDomain || !init.containsKey(n.input(1))) {
            return null;
        }
        int weightRank = init.get(n.input(1)).tensor().rank();
        return switch (n.opType()) {
            case "Conv" -> new WeightLayer(name, n, n.input(0), n.input(1), n.input(2), 0);
            case "Gemm" -> {
                if (n.attributes().getInt("transA", 0) != 0 || weightRank != 2) {
                    yield null;
                }
                int axis = n.attributes().getInt("transB", 0) != 0 ? 0 : 1;
                yield new WeightLayer(name, n, n.input(0), n.input(1), isBias(n.input(2), init) ? n.input(2) : "", axis);
            }
            case "MatMul" -> weightRank == 2 ? new WeightLayer(name, n, n.input(0), n.input(1), "", 1) : null;
            default -> null;
        };
    }

    /** A Gemm's C acts as a per-output bias when it is a constant vector. */
    private static boolean isBias(String c, Map<String, Attributes.Constant> init) {
        if (c.isEmpty() || !init.containsKey(c)) {
            return false;
        }
        int[] s = init.get(c).tensor().shape();
        return s.length == 1 || (s.length == 2 && s[0] == 1);
    }

    /** What a layer node multiplies its bias by: a Gemm's beta, 1 for the other layers. */
    public static float biasScale(Node n) {
        return n.opType().equals("Gemm") ? n.attributes().getFloat("beta", 1f) : 1f;
    }

    /** A depthwise convolution: one input and one output channel per group (runtimes have their own kernel for it). */
    public boolean depthwise(Graph g) {
        if (!node.opType().equals("Conv")) {
            return false;
        }
        int[] w = g.weight(weight).shape();
        int group = node.attributes().getInt("group", 1);
        return group > 1 && w.length >= 2 && w[1] == 1 && w[0] == group;
    }

    /**
     * The axis of the input along which the layer sums over input channels: 1 for a Conv (NCHW), the last for a
     * Gemm or MatMul (a Gemm with transA is not a weight layer).
     */
    public int inputChannelAxis() {
        return node.opType().equals("Conv") ? 1 : -1;
    }

    /** Input channels each output sums over: a grouped Conv's channels per group; 0 (all of them) otherwise. */
    public int inputGroupChannels(Graph g) {
        return node.opType().equals("Conv") && node.attributes().getInt("group", 1) > 1 ? g.weight(weight).dim(1) : 0;
    }

    /** Output channels (the size of the weight along its channel axis). */
    public int channels(Graph g) {
        return g.weight(weight).dim(channelAxis);
    }

    public String output() {
        return node.output(0);
    }
}
