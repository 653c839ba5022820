package mpq.graph.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.Nets;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.TinyGraphs;
import mpq.graph.ValueInfo;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every op's backward pass against central differences: for L = Σ r·y with fixed random r, dL/dx from the backward
 * pass must match (L(x + ε) − L(x − ε)) / 2ε, with L summed in double over the float32 forward outputs.
 */
class GradientCheckTest {
    enum Kind { INPUT, PARAM, CONST, INT }

    record In(String name, Tensor value, Kind kind) {}

    private static final SplittableRandom RND = new SplittableRandom(42);

    /** Uniform in ±scale, but at least 0.1·scale away from 0 (so ReLU-like kinks sit out of ε's reach). */
    static Tensor rand(double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            double v = RND.nextDouble(0.1, 1.0) * (RND.nextBoolean() ? 1 : -1);
            t.data()[i] = (float) (v * scale);
        }
        return t;
    }

    /** Distinct values spaced 0.05 apart in random order: no ties for max pooling. */
    static Tensor distinct(int... shape) {
        Tensor t = Tensor.zeros(shape);
        int n = t.size();
        for (int i = 0; i < n; i++) {
            t.data()[i] = 0.05f * (i - n / 2f);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = RND.nextInt(i + 1);
            float x = t.data()[i];
            t.data()[i] = t.data()[j];
            t.data()[j] = x;
        }
        return t;
    }

    static In x(Tensor t) {
        return new In("x", t, Kind.INPUT);
    }

    static In p(String name, Tensor t) {
        return new In(name, t, Kind.PARAM);
    }

    static In ints(String name, long... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return new In(name, new Tensor(new int[] {v.length}, f), Kind.INT);
    }

    static Map<String, Object> attrs(Object... kv) {
        return TinyGraphs.attrs(kv);
    }

    static void check(String op, Map<String, Object> attrs, int opset, In... ins) {
        check("", op, 1, attrs, opset, ins);
    }

    /** The check for an op of a domain with the given number of outputs (the loss reads the first). */
    static void check(String domain, String op, int outputs, Map<String, Object> attrs, int opset, In... ins) {
        List<String> names = new ArrayList<>();
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        List<String> params = new ArrayList<>();
        Tensor input = null;
        for (In in : ins) {
            names.add(in.name());
            switch (in.kind()) {
                case INPUT -> input = in.value();
                case PARAM -> {
                    init.put(in.name(), new Attributes.Constant(in.value(), DType.FLOAT));
                    params.add(in.name());
                }
                case CONST -> init.put(in.name(), new Attributes.Constant(in.value(), DType.FLOAT));
                case INT -> init.put(in.name(), new Attributes.Constant(in.value(), DType.INT64));
            }
        }
        List<String> outs = new ArrayList<>(List.of("y"));
        for (int o = 1; o < outputs; o++) {
            outs.add("y_" + o);
        }
        Graph g = new Graph("g", List.of(new Node("n", op, domain, names, outs, new Attributes(attrs))),
                List.of(new ValueInfo("x", DType.FLOAT, input.shape())), List.of(new ValueInfo("y", DType.FLOAT, new int[0])),
                init, opset);
        try (Backprop bp = new Backprop(g, params, true, 2)) {
            Tensor y = bp.forward(input);
            Tensor r = rand(1.0, y.shape());
            bp.backward(Map.of("y", r));
            List<String> wrt = new ArrayList<>(params);
            wrt.add("x");
            for (String name : wrt) {
                Tensor grad = bp.gradient(name);
                assertNotNull(grad, op + ": no gradient for " + name);
                Tensor target = name.equals("x") ? input.copy() : bp.parameter(name);
                int n = target.size();
                for (int k = 0; k < Math.min(n, 40); k++) {
                    int e = n <= 40 ? k : RND.nextInt(n);
                    float orig = target.data()[e];
                    double eps = 1e-2 * Math.max(1, Math.abs(orig));
                    target.data()[e] = (float) (orig + eps);
                    double plus = dot(r, bp.forward(name.equals("x") ? target : input));
                    target.data()[e] = (float) (orig - eps);
                    double minus = dot(r, bp.forward(name.equals("x") ? target : input));
                    target.data()[e] = orig;
                    double numeric = (plus - minus) / (2 * eps);
                    double analytic = grad.get(e);
                    assertEquals(numeric, analytic, 1e-2 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 2e-3,
                            op + " d/d" + name + "[" + e + "]");
                }
                bp.forward(input);
                bp.backward(Map.of("y", r));
            }
        }
    }

    static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.get(i) * b.get(i);
        }
        return s;
    }

    @Test
    void conv() {
        check("Conv", attrs("pads", new int[] {1, 1, 1, 1}), 13, x(rand(1, 2, 3, 5, 5)), p("w", rand(0.5, 4, 3, 3, 3)),
                p("b", rand(0.5, 4)));
        check("Conv", attrs("strides", new int[] {2, 1}, "pads", new int[] {0, 1, 2, 0}, "dilations", new int[] {2, 1}),
                13, x(rand(1, 1, 2, 7, 6)), p("w", rand(0.5, 3, 2, 2, 3)));
        check("Conv", attrs("group", 2, "pads", new int[] {1, 1, 1, 1}), 13, x(rand(1, 2, 4, 5, 5)),
                p("w", rand(0.5, 6, 2, 3, 3)), p("b", rand(0.5, 6)));
        check("Conv", attrs("group", 3, "strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), 13,
                x(rand(1, 1, 3, 6, 6)), p("w", rand(0.5, 3, 1, 3, 3)));
        check("Conv", attrs("pads", new int[] {1, 1}), 13, x(rand(1, 2, 3, 9)), p("w", rand(0.5, 2, 3, 3)));
    }

    @Test
    void gemmAndMatMul() {
        check("Gemm", attrs("transB", 1, "alpha", 0.7f, "beta", 1.3f), 13, x(rand(1, 3, 4)), p("w", rand(1, 5, 4)),
                p("c", rand(1, 5)));
        check("Gemm", attrs("transA", 1), 13, x(rand(1, 4, 3)), p("w", rand(1, 4, 2)), p("c", rand(1, 3, 2)));
        check("MatMul", attrs(), 13, x(rand(1, 2, 3, 4)), p("w", rand(1, 4, 5)));
        check("MatMul", attrs(), 13, x(rand(1, 4)), p("w", rand(1, 2, 4, 3)));
    }

    @Test
    void batchNormalization() {
        Tensor var = rand(0.5, 3);
        for (int i = 0; i < 3; i++) {
            var.data()[i] = Math.abs(var.data()[i]) + 0.5f;
        }
        check("BatchNormalization", attrs("epsilon", 1e-3f), 13, x(rand(1, 2, 3, 4, 4)), p("g", rand(1, 3)),
                p("b", rand(1, 3)), p("m", rand(0.3, 3)), p("v", var));
    }

    @Test
    void batchNormalizationInTrainingMode() {
        // The batch statistics depend on x: the gradient has the two extra terms inference mode lacks.
        check("mpq", "BatchNormTrain", 3, attrs("epsilon", 1e-3f), 13, x(rand(1, 4, 3, 3, 3)), p("g", rand(1, 3)),
                p("b", rand(1, 3)));
    }

    @Test
    void activations() {
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "HardSwish"}) {
            check(op, attrs(), 14, x(rand(4, 2, 3, 5)));
        }
        check("LeakyRelu", attrs("alpha", 0.2f), 13, x(rand(2, 2, 7)));
        check("HardSigmoid", attrs("alpha", 0.3f, "beta", 0.4f), 13, x(rand(4, 3, 7)));
        Tensor c = rand(1, 3, 9);
        float[] away = {-3f, -1f, 0.5f, 2f, 3.2f};   // each at least 0.5 from the clip bounds
        for (int i = 0; i < c.size(); i++) {
            c.data()[i] = away[i % away.length] + 0.1f * c.data()[i];
        }
        check("Clip", attrs("min", -1.5f, "max", 2.5f), 6, x(c));
    }

    @Test
    void elementwiseWithBroadcasting() {
        for (String op : new String[] {"Add", "Sub", "Mul"}) {
            check(op, attrs(), 13, x(rand(1, 2, 3, 4)), p("b", rand(1, 3, 1)));
            check(op, attrs(), 13, x(rand(1, 2, 3)), p("b", rand(1, 2, 3)));
        }
        Tensor den = rand(1, 3, 1);
        for (int i = 0; i < den.size(); i++) {
            den.data()[i] = 0.5f + Math.abs(den.data()[i]);
        }
        check("Div", attrs(), 13, x(rand(1, 2, 3, 4)), p("b", den));
    }

    @Test
    void pooling() {
        check("MaxPool", attrs("kernel_shape", new int[] {2, 2}, "strides", new int[] {2, 2}), 13, x(distinct(2, 2, 6, 6)));
        check("MaxPool", attrs("kernel_shape", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads",
                new int[] {1, 1, 1, 1}), 13, x(distinct(1, 2, 7, 7)));
        for (int include : new int[] {0, 1}) {
            check("AveragePool", attrs("kernel_shape", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads",
                    new int[] {1, 1, 1, 1}, "count_include_pad", include), 13, x(rand(1, 1, 2, 6, 7)));
        }
        check("GlobalAveragePool", attrs(), 13, x(rand(1, 2, 3, 4, 5)));
    }

    @Test
    void softmax() {
        check("Softmax", attrs("axis", 1), 13, x(rand(2, 2, 4, 3)));
        check("Softmax", attrs("axis", 1), 11, x(rand(2, 2, 4, 3)));
    }

    @Test
    void logSoftmaxAndGlobalMaxPool() {
        check("LogSoftmax", attrs("axis", -1), 13, x(rand(2, 2, 4, 3)));
        check("LogSoftmax", attrs("axis", 1), 11, x(rand(2, 2, 4, 3)));
        check("GlobalMaxPool", attrs(), 13, x(distinct(2, 3, 4, 4)));
    }

    @Test
    void normalisations() {
        // LayerNormalization over the last axis and over the last two, with and without a bias; the scale and
        // bias get gradients too.
        check("LayerNormalization", attrs("axis", -1), 17, x(rand(1, 2, 3, 5)), p("g", rand(1, 5)), p("b", rand(1, 5)));
        check("LayerNormalization", attrs("axis", 1, "epsilon", 1e-3f), 17, x(rand(1, 2, 3, 4)), p("g", rand(1, 3, 4)));
        check("InstanceNormalization", attrs(), 13, x(rand(1, 2, 3, 4, 4)), p("g", rand(1, 3)), p("b", rand(1, 3)));
    }

    @Test
    void gelu() {
        check("Gelu", attrs(), 20, x(rand(2, 3, 7)));
        check("Gelu", attrs("approximate", "tanh"), 20, x(rand(2, 3, 7)));
    }

    @Test
    void dataMovement() {
        check("Reshape", attrs(), 13, x(rand(1, 2, 3, 4)), ints("s", 6, -1));
        check("Flatten", attrs("axis", 2), 13, x(rand(1, 2, 3, 4)));
        check("Transpose", attrs("perm", new int[] {2, 0, 1}), 13, x(rand(1, 2, 3, 4)));
        check("Slice", attrs(), 13, x(rand(1, 4, 9)), ints("st", 1, 7), ints("en", 3, 1), ints("ax", 0, 1),
                ints("sp", 1, -2));
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            check("Pad", attrs("mode", mode), 13, x(rand(1, 2, 4, 5)), ints("pads", 0, 2, 1, 0, 1, 3));
        }
        check("Concat", attrs("axis", 1), 13, x(rand(1, 2, 3, 2)), p("b", rand(1, 2, 2, 2)));
        check("Gather", attrs("axis", 1), 13, x(rand(1, 2, 5, 3)), ints("i", 4, 0, 4, -2));
        check("Unsqueeze", attrs(), 13, x(rand(1, 3, 4)), ints("a", 1));
        check("Squeeze", attrs(), 13, x(rand(1, 3, 1, 4)), ints("a", 1));
    }

    /**
     * A small residual CNN with BN, Add, pooling and Gemm, under cross-entropy: every parameter and the input. Tanh
     * stands in for ReLU here: a finite difference across a ReLU kink is not a derivative, and with hundreds of units
     * some pre-activation always lies within ε of zero. (ReLU's own backward is checked above.)
     */
    @Test
    void wholeNetworkUnderCrossEntropy() {
        Graph g = Nets.residual(21, true, "Tanh");
        List<String> params = new ArrayList<>(g.initializers().keySet());
        Tensor input = new Nets(22).random(1.5, 3, 3, 8, 8);
        int[] labels = {1, 4, 0};
        try (Backprop bp = new Backprop(g, params, true, 2)) {
            Tensor logits = bp.forward(input);
            Tensor dLogits = Tensor.zeros(logits.shape());
            Losses.crossEntropy(logits, labels, dLogits);
            bp.backward(Map.of(g.outputs().getFirst().name(), dLogits));
            Map<String, Tensor> grads = new LinkedHashMap<>();
            for (String p : params) {
                grads.put(p, bp.gradient(p).copy());
            }
            grads.put("x", bp.gradient("x").copy());
            int checked = 0, agreed = 0;
            for (Map.Entry<String, Tensor> e : grads.entrySet()) {
                Tensor target = e.getKey().equals("x") ? input : bp.parameter(e.getKey());
                for (int k = 0; k < 6; k++) {
                    int idx = RND.nextInt(target.size());
                    float orig = target.data()[idx];
                    double eps = 1e-3;
                    target.data()[idx] = (float) (orig + eps);
                    double plus = Losses.crossEntropy(bp.forward(input), labels, Tensor.zeros(logits.shape()));
                    target.data()[idx] = (float) (orig - eps);
                    double minus = Losses.crossEntropy(bp.forward(input), labels, Tensor.zeros(logits.shape()));
                    target.data()[idx] = orig;
                    double numeric = (plus - minus) / (2 * eps), analytic = e.getValue().get(idx);
                    checked++;
                    if (Math.abs(numeric - analytic) <= 2e-2 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 1e-4) {
                        agreed++;
                    } else {
                        System.err.println("mismatch " + e.getKey() + "[" + idx + "]: numeric " + numeric + ", analytic "
                                + analytic);
                    }
                }
            }
            assertEquals(checked, agreed, agreed + " of " + checked + " agree");
            assertTrue(checked > 100);
        }
    }

    @Test
    void lossGradients() {
        Tensor z = rand(2, 4, 5), ref = rand(2, 4, 5), target = rand(1, 4, 5);
        int[] labels = {0, 3, 4, 1};
        for (int which = 0; which < 3; which++) {
            Tensor g = Tensor.zeros(z.shape());
            loss(which, z, labels, ref, target, g);
            for (int e = 0; e < z.size(); e++) {
                float orig = z.data()[e];
                double eps = 1e-2;
                z.data()[e] = (float) (orig + eps);
                double plus = loss(which, z, labels, ref, target, Tensor.zeros(z.shape()));
                z.data()[e] = (float) (orig - eps);
                double minus = loss(which, z, labels, ref, target, Tensor.zeros(z.shape()));
                z.data()[e] = orig;
                assertEquals((plus - minus) / (2 * eps), g.get(e), 1e-3, "loss " + which + " element " + e);
            }
        }
        Tensor same = Tensor.zeros(z.shape());
        assertEquals(0.0, Losses.klDivergence(z, z, same), 1e-6, "KL of a distribution to itself");
    }

    private static double loss(int which, Tensor z, int[] labels, Tensor ref, Tensor target, Tensor g) {
        return switch (which) {
            case 0 -> Losses.crossEntropy(z, labels, g);
            case 1 -> Losses.klDivergence(z, ref, g);
            default -> Losses.meanSquaredError(z, target, g);
        };
    }

    /** FakeQuant passes the gradient straight through inside its range and blocks it where it saturates. */
    @Test
    void fakeQuantIsStraightThroughInsideItsRange() {
        Map<String, Object> a = attrs("scales", new float[] {0.5f}, "zero_points", new long[] {2}, "qmin", 0, "qmax", 7);
        Tensor in = Tensor.of(new int[] {1, 6}, -1.2f, -0.9f, 0.3f, 1.9f, 2.5f, 3.0f);   // range [−1, 2.5]
        Graph g = new Graph("g", List.of(new Node("fq", "FakeQuant", "mpq", List.of("x"), List.of("y"), new Attributes(a))),
                List.of(new ValueInfo("x", DType.FLOAT, in.shape())), List.of(new ValueInfo("y", DType.FLOAT, new int[0])),
                Map.of(), 13);
        try (Backprop bp = new Backprop(g, List.of(), true, 1)) {
            bp.forward(in);
            bp.backward(Map.of("y", Tensor.of(new int[] {1, 6}, 1f, 2f, 3f, 4f, 5f, 6f)));
            float[] want = {0f, 2f, 3f, 4f, 5f, 0f};
            for (int i = 0; i < 6; i++) {
                assertEquals(want[i], bp.gradient("x").get(i), 0f, "element " + i);
            }
        }
    }

    /** A gradient seeded at an inner value (as a statistics loss would be) reaches the input and the parameters. */
    @Test
    void gradientSeededAtAnInnerValue() {
        Graph g = Nets.residual(23, true, "Tanh");
        Tensor input = new Nets(24).random(1.0, 2, 3, 8, 8);
        try (Backprop bp = new Backprop(g, List.of("conv1.w"), true, 2)) {
            bp.retainGradients(java.util.Set.of("relu1_out"));
            bp.forward(input);
            Tensor r = rand(1.0, bp.value("relu2_out").shape());
            bp.backward(Map.of("relu2_out", r));
            assertNotNull(bp.gradient("relu1_out"), "retained");
            assertEquals(null, bp.gradient("relu2_out"), "not retained: dropped once used");
            Tensor grad = bp.gradient("conv1.w").copy();
            Tensor w = bp.parameter("conv1.w");
            for (int k = 0; k < 20; k++) {
                int e = RND.nextInt(w.size());
                float orig = w.data()[e];
                double eps = 1e-3;
                w.data()[e] = (float) (orig + eps);
                bp.forward(input);
                double plus = dot(r, bp.value("relu2_out"));
                w.data()[e] = (float) (orig - eps);
                bp.forward(input);
                double minus = dot(r, bp.value("relu2_out"));
                w.data()[e] = orig;
                double numeric = (plus - minus) / (2 * eps);
                assertEquals(numeric, grad.get(e), 1e-2 * Math.abs(numeric) + 1e-3, "conv1.w[" + e + "]");
            }
        }
    }
}
