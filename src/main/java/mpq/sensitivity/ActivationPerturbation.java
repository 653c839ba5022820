package mpq.sensitivity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.data.Batches;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.quant.Names;
import mpq.tensor.Tensor;

/**
 * A graph in which chosen activations X get an offset δ_X added before anything reads them: δ_X is an initializer
 * of zeros shaped like one example of X ([1, C, H, W]), broadcast over the batch. The loss as a function of the
 * offsets is then a function of parameters like any other, so the Hessian tools (and gradients) apply to it: the
 * Hessian with respect to δ_X is the mean over the examples of each example's Hessian with respect to its own X,
 * and its trace the mean of their traces — what quantization noise, independent per example, costs.
 *
 * @param graph       the graph with the offsets
 * @param deltas      the offsets' initializer names, one per chosen activation, in order
 * @param sizes       elements of one example of each activation
 * @param meanSquares each activation's mean square on the first calibration batch
 */
record ActivationPerturbation(Graph graph, List<String> deltas, int[] sizes, double[] meanSquares) {
    static ActivationPerturbation insert(Graph g, List<String> values, Batches data, int threads) {
        Map<String, Tensor> seen = new LinkedHashMap<>();
        try (Executor ex = new Executor(g, threads, new HashSet<>(values))) {
            ex.run(data.list().getFirst());
            for (String v : values) {
                seen.put(v, ex.value(v));
            }
        }
        Set<String> taken = new HashSet<>(g.initializers().keySet());
        for (Node n : g.nodes()) {
            taken.addAll(n.outputs());
        }
        g.inputs().forEach(i -> taken.add(i.name()));
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        Map<String, String> perturbed = new LinkedHashMap<>();
        List<String> deltas = new ArrayList<>();
        int[] sizes = new int[values.size()];
        double[] meanSquares = new double[values.size()];
        Map<String, Node> adds = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            Tensor x = seen.get(v);
            int[] shape = x.shape().clone();
            shape[0] = 1;
            String delta = Names.fresh(v + "_perturbation", taken::contains);
            String out = Names.fresh(v + "_perturbed", taken::contains);
            taken.add(delta);
            taken.add(out);
            init.put(delta, new Attributes.Constant(Tensor.zeros(shape), DType.FLOAT));
            adds.put(v, new Node(out + "/Add", "Add", "", List.of(v, delta), List.of(out), Attributes.none()));
            perturbed.put(v, out);
            deltas.add(delta);
            sizes[i] = x.size() / x.dim(0);
            double s = 0;
            for (int k = 0; k < x.size(); k++) {
                s += (double) x.get(k) * x.get(k);
            }
            meanSquares[i] = s / x.size();
        }
        List<Node> nodes = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            if (adds.containsKey(in.name())) {
                nodes.add(adds.get(in.name()));
            }
        }
        for (Node n : g.nodes()) {
            List<String> inputs = n.inputs().stream().map(s -> perturbed.getOrDefault(s, s)).toList();
            nodes.add(new Node(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes()));
            for (String o : n.outputs()) {
                if (adds.containsKey(o)) {
                    nodes.add(adds.get(o));
                }
            }
        }
        Graph out = new Graph(g.name(), nodes, g.inputs(), g.outputs(), init, g.opset());
        return new ActivationPerturbation(out, deltas, sizes, meanSquares);
    }

    /** The norm of an offset as large as the activation itself, over all offsets: the scale for difference steps. */
    double referenceNorm() {
        double s = 0;
        for (int i = 0; i < sizes.length; i++) {
            s += sizes[i] * meanSquares[i];
        }
        return Math.sqrt(s);
    }
}
