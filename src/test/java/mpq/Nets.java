package mpq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.tensor.Tensor;

/** Small networks with random weights, built node by node, for the quantization tests. */
public final class Nets {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Attributes.Constant> init = new LinkedHashMap<>();
    private final SplittableRandom rnd;

    public Nets(long seed) {
        rnd = new SplittableRandom(seed);
    }

    /** Calibration data for {@link #residual}: 4 batches of 16 random 3 × 8 × 8 inputs. */
    public static mpq.data.Batches calibration(long seed) {
        Nets n = new Nets(seed);
        List<Tensor> list = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            list.add(n.random(2.0, 16, 3, 8, 8));
        }
        return new mpq.data.Batches(list, "random");
    }

    public Tensor random(double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return t;
    }

    public String param(String name, Tensor t) {
        init.put(name, new Attributes.Constant(t, DType.FLOAT));
        return name;
    }

    public String node(String op, String name, Map<String, Object> attrs, String... inputs) {
        nodes.add(new Node(name, op, "", List.of(inputs), List.of(name + "_out"), new Attributes(attrs)));
        return name + "_out";
    }

    public String conv(String name, String x, int in, int out, int k, int group, boolean bias) {
        String w = param(name + ".w", random(Math.sqrt(3.0 / (in / group * k * k)), out, in / group, k, k));
        Map<String, Object> a = Map.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}, "group", (long) group);
        return bias ? node("Conv", name, a, x, w, param(name + ".b", random(0.1, out))) : node("Conv", name, a, x, w);
    }

    public String bn(String name, String x, int channels) {
        Tensor gamma = random(0.5, channels), var = random(0.5, channels);
        for (int i = 0; i < channels; i++) {
            gamma.data()[i] += 1f;
            var.data()[i] += 0.6f;
        }
        return node("BatchNormalization", name, Map.of("epsilon", 1e-5f), x, param(name + ".g", gamma),
                param(name + ".beta", random(0.3, channels)), param(name + ".mean", random(0.3, channels)),
                param(name + ".var", var));
    }

    public Graph graph(int[] inputShape, String output) {
        return new Graph("net", nodes, List.of(new ValueInfo("x", DType.FLOAT, inputShape)),
                List.of(new ValueInfo(output, DType.FLOAT, new int[0])), init, 13);
    }

    /**
     * A small residual CNN: conv-relu, conv, add with the block input, relu, global pooling, flatten, gemm. With bn,
     * each conv is followed by a BatchNormalization.
     */
    public static Graph residual(long seed, boolean bn) {
        return residual(seed, bn, "Relu");
    }

    /** The same network with another activation in place of every ReLU (e.g. Tanh, smooth for gradient checks). */
    public static Graph residual(long seed, boolean bn, String activation) {
        Nets n = new Nets(seed);
        String h = n.conv("conv1", "x", 3, 8, 3, 1, !bn);
        h = bn ? n.bn("bn1", h, 8) : h;
        String block = n.node(activation, "relu1", Map.of(), h);
        h = n.conv("conv2", block, 8, 8, 3, 2, !bn);
        h = bn ? n.bn("bn2", h, 8) : h;
        h = n.node(activation, "relu2", Map.of(), h);
        h = n.conv("conv3", h, 8, 8, 3, 1, !bn);
        h = bn ? n.bn("bn3", h, 8) : h;
        h = n.node("Add", "add", Map.of(), h, block);
        h = n.node(activation, "relu3", Map.of(), h);
        h = n.node("GlobalAveragePool", "gap", Map.of(), h);
        h = n.node("Flatten", "flatten", Map.of(), h);
        String w = n.param("fc.w", n.random(0.5, 5, 8));
        h = n.node("Gemm", "fc", Map.of("transB", 1L), h, w, n.param("fc.b", n.random(0.1, 5)));
        return n.graph(new int[] {-1, 3, 8, 8}, h);
    }

    /** Mean squared difference of two {@link #residual}-shaped graphs' outputs on fresh inputs. */
    public static double outputError(Graph a, Graph b) {
        Tensor x = new Nets(77).random(2.0, 64, 3, 8, 8);
        try (mpq.graph.exec.Executor ea = new mpq.graph.exec.Executor(a, 2);
             mpq.graph.exec.Executor eb = new mpq.graph.exec.Executor(b, 2)) {
            Tensor ya = ea.run(x).copy(), yb = eb.run(x);
            double s = 0;
            for (int i = 0; i < ya.size(); i++) {
                double d = ya.get(i) - yb.get(i);
                s += d * d;
            }
            return s / ya.size();
        }
    }
}
