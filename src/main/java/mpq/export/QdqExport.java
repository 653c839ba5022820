package mpq.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.op.Ops;
import mpq.quant.BiasQuant;
import mpq.quant.FakeQuantPass;
import mpq.quant.IntGrid;
import mpq.quant.MultipointBranch;
import mpq.quant.Names;
import mpq.quant.QuantParams;
import mpq.quant.QuantRecipe;
import mpq.tensor.Tensor;

/**
 * The deployable form of a quantized model: the simulated graph ({@link FakeQuantPass}) with every fake-quantized
 * weight stored as integers (int4 up to 4 bits, int8 up to 8, int16) with its scales and a DequantizeLinear, every
 * mpq.FakeQuant on an activation replaced by a QuantizeLinear–DequantizeLinear pair, and biases stored as int32 on
 * the scale input·weight where the layer's input is quantized (the standard QDQ pattern runtimes fuse into integer
 * kernels). Activations are stored in 8 bits (16 for 16-bit grids) whatever their grid: ONNX Runtime 1.29 fuses a
 * uint4 activation with int8 weights into a QLinearConv that it then refuses to load, and 8-bit activations let its
 * integer kernels run them. Grids narrower than their storage type (3-bit weights in int4, 4- or 6-bit activations in
 * uint8) are expressed by the stored values (weights) or by a Clip before the QuantizeLinear (activations), so the
 * exported model computes what the simulation computes.
 */
public final class QdqExport {
    private QdqExport() {}

    /** The opset that introduced int4/uint4 QuantizeLinear and DequantizeLinear. */
    public static final int OPSET_4BIT = 21;
    /** The opset that introduced per-axis QuantizeLinear and DequantizeLinear. */
    public static final int OPSET_PER_AXIS = 13;

    /**
     * The exported graph, the opset and IR version it needs, and the simulated graph it was made from (what it
     * should compute, to check a runtime against).
     */
    public record Exported(Graph graph, int opset, int irVersion, Graph simulated) {}

    public static Exported apply(Graph floatGraph, QuantRecipe recipe) {
        return apply(floatGraph, recipe, false);
    }

    /**
     * With int8Weights, weights of 2–4 bits are stored in int8 (their values still on the narrow grid) instead of
     * int4: a larger file, but ONNX Runtime fuses int8 weights into its integer kernels and runs int4 ones through
     * a float DequantizeLinear.
     */
    public static Exported apply(Graph floatGraph, QuantRecipe recipe, boolean int8Weights) {
        Graph fq = FakeQuantPass.apply(floatGraph, recipe);
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(fq.initializers());
        Set<String> taken = new HashSet<>(init.keySet());
        for (Node n : fq.nodes()) {
            taken.addAll(n.outputs());
        }
        List<Node> nodes = new ArrayList<>();
        boolean fourBit = false;

        Map<String, QuantRecipe.ActivationQuant> acts = new HashMap<>();
        for (QuantRecipe.ActivationQuant a : recipe.activations()) {
            acts.put(a.value(), a);
        }
        for (Node n : fq.nodes()) {
            if (!n.opType().equals(Ops.FAKE_QUANT) || !n.domain().equals(Ops.MPQ_DOMAIN)) {
                continue;
            }
            QuantRecipe.ActivationQuant a = acts.get(n.input(0));
            if (a == null) {
                throw new IllegalStateException("FakeQuant node " + n.name() + " has no recipe entry");
            }
            activation(a, n.output(0), init, taken, nodes);
        }
        Map<String, QuantRecipe.LayerQuant> byName = new HashMap<>();
        for (QuantRecipe.LayerQuant l : recipe.layers()) {
            byName.put(l.name(), l);
        }
        for (Map.Entry<String, List<QuantRecipe.ExtraPoint>> e : recipe.extraPoints().entrySet()) {
            // A multipoint layer's extra points: a weight of their own, stored on the layer's grid like its weight.
            fourBit |= weight(MultipointBranch.asLayer(byName.get(e.getKey()), e.getValue()), init, taken, nodes,
                    int8Weights);
        }
        for (Node n : fq.nodes()) {
            if (n.opType().equals(Ops.FAKE_QUANT) && n.domain().equals(Ops.MPQ_DOMAIN)) {
                continue;
            }
            QuantRecipe.LayerQuant l = byName.get(n.name());
            if (l != null) {
                fourBit |= weight(l, init, taken, nodes, int8Weights);
                if (n.inputs().size() > 2 && !n.input(2).isEmpty()) {
                    BiasQuant bq = BiasQuant.of(recipe, l, n, init.get(n.input(2)).tensor());
                    if (bq != null) {
                        bias(n.input(2), bq, init, taken, nodes);
                    }
                }
            }
            nodes.add(n);
        }
        EmbeddingExport.apply(recipe, floatGraph.initializers(), init, nodes, taken);
        int opset = Math.max(fq.opset(), fourBit ? OPSET_4BIT : OPSET_PER_AXIS);
        Graph out = new Graph(fq.name(), nodes, fq.inputs(), fq.outputs(), init, fq.opset());
        if (opset > fq.opset()) {
            out = OpsetRaise.raise(out, fq.opset(), opset);
        }
        return new Exported(out, opset, irVersion(opset), fq);
    }

    /**
     * Writes the exported model to file (through a temporary file, so a failure leaves none) and the recipe JSON
     * beside it (FILE.onnx → FILE.recipe.json).
     */
    public static void save(Exported e, com.fasterxml.jackson.databind.node.ObjectNode recipeJson, java.nio.file.Path file) {
        mpq.onnx.OnnxModel.save(mpq.onnx.OnnxWriter.toProto(e.graph(), e.irVersion(), PRODUCER_VERSION), file);
        mpq.quant.RecipeJson.write(recipeJson, recipePath(file));
    }

    /** Where {@link #save} puts the recipe: FILE.onnx → FILE.recipe.json. */
    public static java.nio.file.Path recipePath(java.nio.file.Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return file.resolveSibling(stem + ".recipe.json");
    }

    private static final String PRODUCER_VERSION = "0.1";

    /** QuantizeLinear–DequantizeLinear from a.value() to out, in 8-bit (or 16-bit) storage. */
    private static void activation(QuantRecipe.ActivationQuant a, String out, Map<String, Attributes.Constant> init,
                                   Set<String> taken, List<Node> nodes) {
        QuantParams p = a.params();
        IntGrid grid = p.grid();
        DType type = storage(new IntGrid(Math.max(8, grid.bits()), grid.signed()));
        String base = a.value();
        String scale = Names.fresh(base + "_scale", taken), zp = Names.fresh(base + "_zero_point", taken);
        init.put(scale, scalarOrVector(p.scales(), p.perChannel()));
        init.put(zp, new Attributes.Constant(ints(p.zeroPoints(), p.perChannel()), type));
        String in = base;
        if (grid.bits() != bitsOf(type)) {
            // The grid is narrower than the type: clip to its range first, so QuantizeLinear saturates where it does.
            if (p.perChannel()) {
                throw new IllegalArgumentException("per-channel activations on a " + grid + " grid are not exportable");
            }
            String lo = Names.fresh(base + "_clip_min", taken), hi = Names.fresh(base + "_clip_max", taken);
            init.put(lo, scalar(p.lowSteps(0) * p.scale(0)));
            init.put(hi, scalar(p.highSteps(0) * p.scale(0)));
            in = Names.fresh(base + "_clipped", taken);
            nodes.add(new Node(in + "/Clip", "Clip", "", List.of(base, lo, hi), List.of(in), Attributes.none()));
        }
        String q = Names.fresh(base + "_quantized", taken);
        Attributes axis = p.perChannel() ? new Attributes(Map.of("axis", (long) p.axis())) : Attributes.none();
        nodes.add(new Node(q + "/QuantizeLinear", "QuantizeLinear", "", List.of(in, scale, zp), List.of(q), axis));
        nodes.add(new Node(out + "/DequantizeLinear", "DequantizeLinear", "", List.of(q, scale, zp), List.of(out), axis));
    }

    /**
     * The layer's weight as integers with a DequantizeLinear that writes the value the layer reads (the name of the
     * float initializer it replaces); true when stored as int4.
     */
    private static boolean weight(QuantRecipe.LayerQuant l, Map<String, Attributes.Constant> init,
                                  Set<String> taken, List<Node> nodes, boolean int8) {
        QuantParams p = l.weightParams();
        Tensor w = init.remove(l.weight()).tensor();   // already fake-quantized: integer multiples of the scales
        DType type = storageOf(l, int8);
        String base = l.weight();
        String qName = Names.fresh(base + "_quantized", taken), scale = Names.fresh(base + "_scale", taken);
        String zp = Names.fresh(base + "_zero_point", taken);
        init.put(qName, new Attributes.Constant(p.levels(w), type));
        init.put(scale, scalarOrVector(p.scales(), p.perChannel()));
        init.put(zp, new Attributes.Constant(ints(p.zeroPoints(), p.perChannel()), type));
        Attributes axis = p.perChannel() ? new Attributes(Map.of("axis", (long) p.axis())) : Attributes.none();
        nodes.add(new Node(base + "/DequantizeLinear", "DequantizeLinear", "", List.of(qName, scale, zp),
                List.of(base), axis));
        return type == DType.INT4;
    }

    /**
     * A bias as int32 with its DequantizeLinear writing the bias's name. The simulated graph already holds
     * bq's dequantized values, so the levels come out the same from them.
     */
    private static void bias(String name, BiasQuant bq, Map<String, Attributes.Constant> init, Set<String> taken,
                             List<Node> nodes) {
        Tensor b = init.remove(name).tensor();
        String qName = Names.fresh(name + "_quantized", taken), scale = Names.fresh(name + "_scale", taken);
        init.put(qName, new Attributes.Constant(new Tensor(b.shape(), bq.levels()), DType.INT32));
        init.put(scale, new Attributes.Constant(new Tensor(new int[] {bq.scales().length}, bq.scales()), DType.FLOAT));
        nodes.add(new Node(name + "/DequantizeLinear", "DequantizeLinear", "", List.of(qName, scale), List.of(name),
                new Attributes(Map.of("axis", 0L))));
    }

    /** The type a layer's weight integers are stored in. */
    private static DType storageOf(QuantRecipe.LayerQuant l, boolean int8) {
        IntGrid g = l.weightParams().grid();
        return int8 && g.bits() <= 8 ? DType.INT8 : storage(g);
    }

    /** The ONNX type that stores a grid: int4/uint4 up to 4 bits, int8/uint8 up to 8, int16/uint16 for 16. */
    static DType storage(IntGrid g) {
        if (g.bits() <= 4) {
            return g.signed() ? DType.INT4 : DType.UINT4;
        }
        if (g.bits() <= 8) {
            return g.signed() ? DType.INT8 : DType.UINT8;
        }
        return g.signed() ? DType.INT16 : DType.UINT16;
    }

    private static int bitsOf(DType t) {
        return switch (t) {
            case INT4, UINT4 -> 4;
            case INT8, UINT8 -> 8;
            default -> 16;
        };
    }

    /** The IR version that goes with an opset (ONNX release history: opset 21 came with IR 10). */
    static int irVersion(int opset) {
        return opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : 7;
    }

    private static Attributes.Constant scalarOrVector(float[] v, boolean vector) {
        return new Attributes.Constant(new Tensor(vector ? new int[] {v.length} : new int[0], v), DType.FLOAT);
    }

    private static Attributes.Constant scalar(float v) {
        return new Attributes.Constant(new Tensor(new int[0], new float[] {v}), DType.FLOAT);
    }

    private static Tensor ints(int[] v, boolean vector) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return new Tensor(vector ? new int[] {v.length} : new int[0], f);
    }
}
