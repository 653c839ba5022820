package mpq.hardware;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.NodeInfo;
import mpq.graph.exec.Plan;
import mpq.quant.WeightLayer;

/**
 * What the cost models need to know of a quantizable layer: its op class, weight count, output channels (one scale
 * each when per-channel), multiply-accumulates per example, and the elements per example of its data input and its
 * output (the memory traffic of the accelerator models).
 */
public record LayerShape(String name, String opType, long params, int channels, long macs, long inputs, long outputs) {
    /** A layer whose activations' sizes do not matter (size and BOPs costs). */
    public LayerShape(String name, String opType, long params, int channels, long macs) {
        this(name, opType, params, channels, macs, 0, 0);
    }

    /** The weight layers of a graph with their MACs for one example (planned at batch 1). */
    public static List<LayerShape> of(Graph g) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : g.inputs()) {
            int[] d = in.dims().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] < 0 ? 1 : d[i];   // batch 1; unknown dimensions must be known to plan
            }
            shapes.put(in.name(), d);
        }
        Map<String, NodeInfo> planned = new HashMap<>();
        for (NodeInfo n : new Plan(g, shapes, java.util.Set.of()).nodes()) {
            planned.put(WeightLayer.nameOf(n.node()), n);
        }
        List<LayerShape> out = new ArrayList<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            NodeInfo n = planned.get(l.name());
            out.add(new LayerShape(l.name(), l.node().opType(), g.weight(l.weight()).size(), l.channels(g),
                    n == null ? 0 : n.macs(), n == null ? 0 : elements(n.inputShapes().getFirst()),
                    n == null ? 0 : elements(n.outputShapes().getFirst())));
        }
        return out;
    }

    private static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
