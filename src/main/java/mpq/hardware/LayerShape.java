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
import mpq.tensor.Shapes;

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
        Map<String, NodeInfo> planned = planned(g, 1);
        List<LayerShape> out = new ArrayList<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            NodeInfo n = planned.get(l.name());
            out.add(new LayerShape(l.name(), l.node().opType(), g.weight(l.weight()).size(), l.channels(g),
                    n == null ? 0 : n.macs(), n == null ? 0 : Shapes.size(n.inputShapes().getFirst()),
                    n == null ? 0 : Shapes.size(n.outputShapes().getFirst())));
        }
        return out;
    }

    /**
     * The planned nodes of a graph by weight-layer name (WeightLayer.nameOf), at the given batch: an input's unknown
     * first axis takes the batch, its other unknown axes 1 (they must be known to plan).
     */
    public static Map<String, NodeInfo> planned(Graph g, int batch) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : g.inputs()) {
            int[] d = in.dims().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] < 0 ? (i == 0 ? batch : 1) : d[i];
            }
            shapes.put(in.name(), d);
        }
        Map<String, NodeInfo> planned = new HashMap<>();
        for (NodeInfo n : new Plan(g, shapes, java.util.Set.of()).nodes()) {
            planned.put(WeightLayer.nameOf(n.node()), n);
        }
        return planned;
    }
}
