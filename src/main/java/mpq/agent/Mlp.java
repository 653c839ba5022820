package mpq.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Backprop;
import mpq.tensor.Adam;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * A fully connected network x [batch, in] → ReLU hidden layers → [batch, out], optionally ending in a sigmoid: an
 * ONNX-style graph (Gemm, Relu, Sigmoid) that {@link Backprop} runs and differentiates, trained by Adam. Hidden layers
 * start with uniform ±1/√fan-in weights, the output layer with uniform ±{@code lastInit} (small, so a fresh actor's
 * actions sit near the middle and a fresh critic's values near 0, as DDPG's authors initialise them).
 */
public final class Mlp implements AutoCloseable {
    private static final String INPUT = "x";
    private final Backprop net;
    private final String output;
    private final List<String> params = new ArrayList<>();
    private final Adam adam;

    public Mlp(int in, int[] hidden, int out, boolean sigmoid, double lastInit, double lr, SplittableRandom rnd) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        String x = INPUT;
        int width = in;
        for (int l = 0; l <= hidden.length; l++) {
            boolean last = l == hidden.length;
            int next = last ? out : hidden[l];
            double bound = last ? lastInit : 1 / Math.sqrt(width);
            String w = "w" + l, b = "b" + l;
            init.put(w, new Attributes.Constant(uniform(rnd, bound, width, next), DType.FLOAT));
            init.put(b, new Attributes.Constant(uniform(rnd, bound, next), DType.FLOAT));
            params.add(w);
            params.add(b);
            nodes.add(new Node("fc" + l, "Gemm", "", List.of(x, w, b), List.of("fc" + l), new Attributes(Map.of())));
            x = "fc" + l;
            if (!last) {
                nodes.add(new Node("relu" + l, "Relu", "", List.of(x), List.of("relu" + l), new Attributes(Map.of())));
                x = "relu" + l;
            }
            width = next;
        }
        if (sigmoid) {
            nodes.add(new Node("sigmoid", "Sigmoid", "", List.of(x), List.of("sigmoid"), new Attributes(Map.of())));
            x = "sigmoid";
        }
        output = x;
        Graph g = new Graph("mlp", nodes, List.of(new ValueInfo(INPUT, DType.FLOAT, new int[] {-1, in})),
                List.of(new ValueInfo(output, DType.FLOAT, new int[] {-1, out})), init, 17);
        net = new Backprop(g, params, true, 1);
        adam = new Adam(lr);
    }

    private static Tensor uniform(SplittableRandom rnd, double bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            d[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return t;
    }

    /** The outputs [batch, out] for inputs [batch, in]; kept for {@link #backward}. */
    public Tensor forward(Tensor x) {
        return net.forward(x);
    }

    /**
     * Back-propagates a gradient at the output of the last {@link #forward}: afterwards {@link #step} applies the
     * parameters' gradients. Returns the gradient at the input.
     */
    public Tensor backward(Tensor outputGradient) {
        net.backward(Map.of(output, outputGradient));
        return net.gradient(INPUT);
    }

    /** One Adam step on the gradients of the last {@link #backward}. */
    public void step() {
        List<Tensor> values = new ArrayList<>(), grads = new ArrayList<>();
        for (String p : params) {
            Tensor g = net.gradient(p);
            values.add(net.parameter(p));
            grads.add(g != null ? g : Tensor.zeros(net.parameter(p).shape()));
        }
        adam.step(values, grads);
    }

    /** θ ← τ·θ_source + (1 − τ)·θ (τ = 1 copies): the slowly following target networks of DDPG. */
    public void follow(Mlp source, double tau) {
        for (String p : params) {
            float[] to = net.parameter(p).data(), from = source.net.parameter(p).data();
            int n = net.parameter(p).size();
            for (int i = 0; i < n; i++) {
                to[i] = (float) (tau * from[i] + (1 - tau) * to[i]);
            }
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
