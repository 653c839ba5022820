package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;

/**
 * The units a reconstruction refiner optimises, found from the graph alone (no module names): each is the part of
 * the float graph from one value to another through which everything flows.
 *
 * <p>Blocks ({@link #blocks}) cut the graph where a single value is live: between two such cuts lies a residual block
 * (from its input to the ReLU after its Add, shortcut included), or a single layer of a chain (the stem, the
 * classifier). A stretch with no quantized layer (a ReLU, a pooling, a Flatten) joins the block before it. Layers
 * ({@link #layers}) are each weight layer alone, with the ReLU after it when that is its only reader.
 */
public final class ReconBlocks {
    private ReconBlocks() {}

    /** One unit: its input value, its output value and the quantized layers in it, in graph order. */
    public record Block(String input, String output, List<String> layers) {
        public String describe() {
            return layers.size() == 1 ? layers.getFirst() : layers.getFirst() + " … " + layers.getLast()
                    + " (" + layers.size() + " layers)";
        }
    }

    /** Each layer of the recipe alone (AdaRound). */
    public static List<Block> layers(Graph g, QuantRecipe recipe) {
        Map<String, List<Node>> consumers = g.consumers();
        Map<String, Node> byName = new HashMap<>();
        WeightLayer.find(g).forEach(l -> byName.put(l.name(), l.node()));
        List<Block> out = new ArrayList<>();
        for (QuantRecipe.LayerQuant l : recipe.layers()) {
            Node n = byName.get(l.name());
            String y = n.output(0);
            List<Node> readers = consumers.getOrDefault(y, List.of());
            boolean graphOutput = g.outputs().stream().anyMatch(v -> v.name().equals(n.output(0)));
            if (readers.size() == 1 && !graphOutput && readers.getFirst().opType().equals("Relu")) {
                y = readers.getFirst().output(0);
            }
            out.add(new Block(l.input(), y, List.of(l.name())));
        }
        return out;
    }

    /** The graph cut where one value is live, stretches without quantized layers joined to the block before. */
    public static List<Block> blocks(Graph g, QuantRecipe recipe) {
        if (g.inputs().size() != 1 || g.outputs().size() != 1) {
            return layers(g, recipe);   // several entries or exits: cuts are not defined, fall back to layers
        }
        return blocks(g, recipe.layers().stream().map(QuantRecipe.LayerQuant::name).toList());
    }

    /**
     * The same for the named layers (a single-input, single-output graph): the blocks of those layers, the stretches
     * without one joined to the block before.
     */
    public static List<Block> blocks(Graph g, java.util.Collection<String> layerNames) {
        if (g.inputs().size() != 1 || g.outputs().size() != 1) {
            throw new mpq.base.BadInputException("blocks are found in models with one input and one output; this one "
                    + "has " + g.inputs().size() + " inputs and " + g.outputs().size() + " outputs");
        }
        Set<String> quantized = new HashSet<>(layerNames);
        List<Node> nodes = g.nodes();
        Map<String, Integer> lastRead = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String v : nodes.get(i).inputs()) {
                lastRead.put(v, i);
            }
        }
        lastRead.put(g.outputs().getFirst().name(), Integer.MAX_VALUE);
        Set<String> live = new HashSet<>();
        live.add(g.inputs().getFirst().name());
        List<Block> out = new ArrayList<>();
        String from = g.inputs().getFirst().name();
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String name = WeightLayer.nameOf(n);
            if (quantized.contains(name)) {
                layers.add(name);
            }
            for (String v : n.inputs()) {
                if (lastRead.getOrDefault(v, -1) == i) {
                    live.remove(v);
                }
            }
            for (String v : n.outputs()) {
                if (lastRead.getOrDefault(v, -1) > i) {
                    live.add(v);
                }
            }
            if (live.size() == 1) {
                String cut = live.iterator().next();
                if (!layers.isEmpty()) {
                    out.add(new Block(from, cut, List.copyOf(layers)));
                    layers.clear();
                    from = cut;
                } else if (!out.isEmpty()) {   // nothing to learn here: the block before reaches on to this cut
                    Block last = out.removeLast();
                    out.add(new Block(last.input(), cut, last.layers()));
                    from = cut;
                }   // else before the first layer: the first block starts at the graph input
            }
        }
        if (!layers.isEmpty()) {   // the graph ends without a single live value (cannot happen with one output)
            throw new IllegalStateException("layers after the last cut: " + layers);
        }
        return out;
    }

    /**
     * The part of the simulated graph q that computes a block: from the block's input (before its quantizer, which
     * belongs to the block) to its output, with the input declared of the given example's type and shape.
     */
    public static Graph region(Graph q, Block b, mpq.tensor.Tensor example) {
        int[] dims = example.shape();
        dims[0] = -1;
        return q.region(new ValueInfo(b.input(), example.type(), dims), List.of(b.output()));
    }
}
