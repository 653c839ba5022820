package mpq.train;

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
import mpq.graph.op.Ops;
import mpq.tensor.Tensor;

/**
 * The built-in example: a small residual CNN with BatchNormalization for 28×28 grey images and 10 classes
 * (Fashion-MNIST). A 3×3 stem (16 channels), three residual blocks of two 3×3 convs (16, 32 and 64 channels, the
 * last two halving the resolution with a strided conv and a 1×1 strided shortcut), global average pooling, a
 * linear classifier. Built for training (mpq.BatchNormTrain) and turned into a standard ONNX graph for inference.
 */
public final class ExampleNet {
    private ExampleNet() {}

    public static final int[] INPUT = {1, 28, 28};
    public static final int CLASSES = 10;
    static final float BN_EPSILON = 1e-5f;

    /** A training graph and the names of its BN layers' running statistics (kept outside the graph). */
    public record Training(Graph graph, List<BatchNormLayer> batchNorms, List<String> parameters) {}

    /** One BN layer: its node, the outputs with the batch statistics, and the running statistics it keeps. */
    public record BatchNormLayer(String name, String input, String output, String gamma, String beta, String batchMean,
                                 String batchVar, float[] runningMean, float[] runningVar) {}

    public static Training build(long seed) {
        Builder b = new Builder(new SplittableRandom(seed));
        String h = b.relu(b.convBn("stem", "input", 1, 16, 3, 1));
        h = b.block("block1", h, 16, 16, 1);
        h = b.block("block2", h, 16, 32, 2);
        h = b.block("block3", h, 32, 64, 2);
        h = b.node("GlobalAveragePool", "pool", Map.of(), h);
        h = b.node("Flatten", "flatten", Map.of(), h);
        String w = b.param("fc.weight", b.he(64, CLASSES, 64));
        String bias = b.param("fc.bias", Tensor.zeros(CLASSES));
        h = b.node("Gemm", "fc", Map.of("transB", 1L), h, w, bias);
        Graph g = new Graph("fashion_resnet", b.nodes, List.of(new ValueInfo("input", DType.FLOAT,
                new int[] {-1, INPUT[0], INPUT[1], INPUT[2]})), List.of(new ValueInfo(h, DType.FLOAT, new int[] {-1, CLASSES})),
                b.init, 13);
        return new Training(g, b.bns, new ArrayList<>(b.init.keySet()));
    }

    /** The trained network as a standard ONNX graph: each mpq.BatchNormTrain becomes a BatchNormalization. */
    public static Graph inference(Graph trained, Map<String, Tensor> params, List<BatchNormLayer> bns) {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        params.forEach((k, v) -> init.put(k, new Attributes.Constant(v.copy(), DType.FLOAT)));
        Map<String, BatchNormLayer> byName = new LinkedHashMap<>();
        bns.forEach(l -> byName.put(l.name(), l));
        List<Node> nodes = new ArrayList<>();
        for (Node n : trained.nodes()) {
            BatchNormLayer l = byName.get(n.name());
            if (l == null) {
                nodes.add(n);
                continue;
            }
            String mean = n.name() + ".running_mean", var = n.name() + ".running_var";
            init.put(mean, new Attributes.Constant(Tensor.of(new int[] {l.runningMean().length}, l.runningMean().clone()), DType.FLOAT));
            init.put(var, new Attributes.Constant(Tensor.of(new int[] {l.runningVar().length}, l.runningVar().clone()), DType.FLOAT));
            nodes.add(new Node(n.name(), "BatchNormalization", "", List.of(l.input(), l.gamma(), l.beta(), mean, var),
                    List.of(l.output()), new Attributes(Map.of("epsilon", BN_EPSILON))));
        }
        return new Graph(trained.name(), nodes, trained.inputs(), trained.outputs(), init, trained.opset());
    }

    private static final class Builder {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        final List<BatchNormLayer> bns = new ArrayList<>();
        final SplittableRandom rnd;

        Builder(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        String node(String op, String name, Map<String, Object> attrs, String... inputs) {
            nodes.add(new Node(name, op, "", List.of(inputs), List.of(name + "_out"), new Attributes(attrs)));
            return name + "_out";
        }

        String param(String name, Tensor t) {
            init.put(name, new Attributes.Constant(t, DType.FLOAT));
            return name;
        }

        /** He-normal initialisation for a ReLU network: std √(2 / fan-in). */
        Tensor he(int fanIn, int... shape) {
            Tensor t = Tensor.zeros(shape);
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) (rnd.nextGaussian() * std);
            }
            return t;
        }

        String relu(String x) {
            return node("Relu", x.replace("_out", "") + "_relu", Map.of(), x);
        }

        /** Conv (no bias, padding k/2) followed by training-mode BN. */
        String convBn(String name, String x, int in, int out, int k, int stride) {
            String w = param(name + ".conv.weight", he(in * k * k, out, in, k, k));
            long p = k / 2;
            String c = node("Conv", name + ".conv", Map.of("pads", new long[] {p, p, p, p},
                    "strides", new long[] {stride, stride}, "kernel_shape", new long[] {k, k}), x, w);
            String gamma = param(name + ".bn.weight", ones(out));
            String beta = param(name + ".bn.bias", Tensor.zeros(out));
            String bn = name + ".bn";
            String y = bn + "_out";
            nodes.add(new Node(bn, Ops.BATCH_NORM_TRAIN, Ops.MPQ_DOMAIN, List.of(c, gamma, beta),
                    List.of(y, bn + "_batch_mean", bn + "_batch_var"), new Attributes(Map.of("epsilon", BN_EPSILON))));
            float[] var = new float[out];
            java.util.Arrays.fill(var, 1f);
            bns.add(new BatchNormLayer(bn, c, y, gamma, beta, bn + "_batch_mean", bn + "_batch_var", new float[out], var));
            return y;
        }

        String block(String name, String x, int in, int out, int stride) {
            String h = relu(convBn(name + ".a", x, in, out, 3, stride));
            h = convBn(name + ".b", h, out, out, 3, 1);
            String shortcut = stride == 1 && in == out ? x : convBn(name + ".shortcut", x, in, out, 1, stride);
            return relu(node("Add", name + ".add", Map.of(), h, shortcut));
        }

        private static Tensor ones(int n) {
            Tensor t = Tensor.zeros(n);
            java.util.Arrays.fill(t.data(), 1f);
            return t;
        }
    }
}
