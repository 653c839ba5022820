package mpq.graph.op;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import mpq.base.BadInputException;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.Op;

/** The op registry: ONNX op type → how to build its {@link Op} for a node. */
public final class Ops {
    private Ops() {}

    @FunctionalInterface
    private interface Factory {
        Op create(Node node, int opset);
    }

    private static final Map<String, Factory> REGISTRY = new TreeMap<>();

    /** The domain of mpq's own ops (FakeQuant), which only mpq's passes create. */
    public static final String MPQ_DOMAIN = "mpq";

    /** Op type of the quantize-dequantize step the quantization passes insert, in {@link #MPQ_DOMAIN}. */
    public static final String FAKE_QUANT = FakeQuantOp.TYPE;

    /** Op type of training-mode batch normalisation (batch statistics, also output), in {@link #MPQ_DOMAIN}. */
    public static final String BATCH_NORM_TRAIN = BatchNormTrainOp.TYPE;

    /** Op type of a map of fake-quantized levels through a table (SPARQ's bit windows), in {@link #MPQ_DOMAIN}. */
    public static final String LEVEL_TABLE = LevelTableOp.TYPE;

    private static final Map<String, Factory> MPQ_REGISTRY = Map.of(FAKE_QUANT, (n, v) -> new FakeQuantOp(n.attributes()),
            BATCH_NORM_TRAIN, (n, v) -> new BatchNormTrainOp(n.attributes()),
            LEVEL_TABLE, (n, v) -> new LevelTableOp(n.attributes()));

    static {
        REGISTRY.put("Conv", (n, v) -> new ConvOp(n.attributes()));
        REGISTRY.put("ConvTranspose", (n, v) -> new ConvTransposeOp(n.attributes()));
        REGISTRY.put("Gemm", (n, v) -> new GemmOp(n.attributes()));
        REGISTRY.put("MatMul", (n, v) -> new MatMulOp());
        REGISTRY.put("Einsum", (n, v) -> new EinsumOp(n.attributes()));
        REGISTRY.put("NegativeLogLikelihoodLoss", (n, v) -> new LossOp(false, n.attributes()));
        REGISTRY.put("SoftmaxCrossEntropyLoss", (n, v) -> new LossOp(true, n.attributes()));
        REGISTRY.put("BatchNormalization", (n, v) -> n.attributes().getInt("training_mode", 0) != 0
                ? new TrainingBatchNormOp(n.attributes(), n.outputs().size())
                : new BatchNormOp(n.attributes(), n.outputs().size()));
        REGISTRY.put("MaxPool", (n, v) -> new PoolOp(true, n.attributes(), n.outputs().size()));
        REGISTRY.put("AveragePool", (n, v) -> new PoolOp(false, n.attributes(), n.outputs().size()));
        REGISTRY.put("GlobalAveragePool", (n, v) -> new GlobalPoolOp(false));
        REGISTRY.put("GlobalMaxPool", (n, v) -> new GlobalPoolOp(true));
        REGISTRY.put("LayerNormalization", (n, v) -> new NormalizeOp(NormalizeOp.Kind.LAYER, n.attributes(), n.outputs().size()));
        REGISTRY.put("InstanceNormalization", (n, v) -> new NormalizeOp(NormalizeOp.Kind.INSTANCE, n.attributes(), 1));
        REGISTRY.put("MeanVarianceNormalization", (n, v) -> new NormalizeOp(NormalizeOp.Kind.MEAN_VARIANCE, n.attributes(), 1));
        REGISTRY.put("Resize", (n, v) -> new ResizeOp(n.attributes(), v, false));
        REGISTRY.put("Upsample", (n, v) -> new ResizeOp(n.attributes(), v, true));
        REGISTRY.put("LRN", (n, v) -> new LrnOp(n.attributes()));
        for (SoftmaxOp.Kind k : SoftmaxOp.Kind.values()) {
            REGISTRY.put(onnxName(k.name()), (n, v) -> new SoftmaxOp(k, n.attributes(), v));
        }
        for (UnaryOp.Kind k : UnaryOp.Kind.values()) {
            REGISTRY.put(k == UnaryOp.Kind.IS_NAN ? "IsNaN" : onnxName(k.name()), (n, v) -> new UnaryOp(k, n.attributes(), v));
        }
        for (BinaryOp.Kind k : BinaryOp.Kind.values()) {
            REGISTRY.put(k == BinaryOp.Kind.PRELU ? "PRelu" : onnxName(k.name()), (n, v) -> new BinaryOp(k, n.attributes()));
        }
        for (VariadicOp.Kind k : VariadicOp.Kind.values()) {
            REGISTRY.put(onnxName(k.name()), (n, v) -> new VariadicOp(k));
        }
        for (ReduceOp.Kind k : ReduceOp.Kind.values()) {
            REGISTRY.put("Reduce" + onnxName(k.name()), (n, v) -> new ReduceOp(k, n.attributes(), v));
        }
        for (ReshapeOp.Kind k : ReshapeOp.Kind.values()) {
            REGISTRY.put(onnxName(k.name()), (n, v) -> new ReshapeOp(k, n.attributes(), v));
        }
        REGISTRY.put("ArgMax", (n, v) -> new ArgReduceOp(true, n.attributes()));
        REGISTRY.put("ArgMin", (n, v) -> new ArgReduceOp(false, n.attributes()));
        REGISTRY.put("Where", (n, v) -> new WhereOp());
        REGISTRY.put("Transpose", (n, v) -> new TransposeOp(n.attributes()));
        REGISTRY.put("Slice", (n, v) -> new SliceOp(n.attributes(), v));
        REGISTRY.put("Pad", (n, v) -> new PadOp(n.attributes(), v));
        REGISTRY.put("Concat", (n, v) -> new ConcatOp(n.attributes()));
        REGISTRY.put("Split", (n, v) -> new SplitOp(n.attributes(), n.outputs().size(), v));
        REGISTRY.put("Gather", (n, v) -> new GatherOp(n.attributes()));
        REGISTRY.put("GatherElements", (n, v) -> new ElementIndexOp(false, n.attributes()));
        REGISTRY.put("ScatterElements", (n, v) -> new ElementIndexOp(true, n.attributes()));
        REGISTRY.put("GatherND", (n, v) -> new NDIndexOp(false, n.attributes()));
        REGISTRY.put("ScatterND", (n, v) -> new NDIndexOp(true, n.attributes()));
        REGISTRY.put("Expand", (n, v) -> new ExpandOp());
        REGISTRY.put("Tile", (n, v) -> new TileOp());
        REGISTRY.put("DepthToSpace", (n, v) -> new DepthSpaceOp(true, n.attributes()));
        REGISTRY.put("SpaceToDepth", (n, v) -> new DepthSpaceOp(false, n.attributes()));
        REGISTRY.put("Trilu", (n, v) -> new TriluOp(n.attributes()));
        REGISTRY.put("EyeLike", (n, v) -> new EyeLikeOp(n.attributes()));
        REGISTRY.put("OneHot", (n, v) -> new OneHotOp(n.attributes()));
        REGISTRY.put("NonZero", (n, v) -> new NonZeroOp());
        REGISTRY.put("TopK", (n, v) -> new TopKOp(n.attributes()));
        REGISTRY.put("CumSum", (n, v) -> new CumSumOp(n.attributes()));
        REGISTRY.put("Range", (n, v) -> new RangeOp());
        REGISTRY.put("ConstantOfShape", (n, v) -> new ConstantOfShapeOp(n.attributes()));
        REGISTRY.put("Size", (n, v) -> new SizeOp());
        REGISTRY.put("Shape", (n, v) -> new ShapeOp(n.attributes()));
        REGISTRY.put("Cast", (n, v) -> new CastOp(n.attributes(), false));
        REGISTRY.put("CastLike", (n, v) -> new CastOp(n.attributes(), true));
        REGISTRY.put("Constant", (n, v) -> new ConstantOp(n.attributes()));
        REGISTRY.put("QuantizeLinear", (n, v) -> new LinearQuantOp(true, n.attributes()));
        REGISTRY.put("DynamicQuantizeLinear", (n, v) -> new DynamicQuantizeOp());
        REGISTRY.put("MatMulInteger", (n, v) -> new IntegerMatMulOp(false));
        REGISTRY.put("QLinearMatMul", (n, v) -> new IntegerMatMulOp(true));
        REGISTRY.put("ConvInteger", (n, v) -> new IntegerConvOp(false, n.attributes()));
        REGISTRY.put("QLinearConv", (n, v) -> new IntegerConvOp(true, n.attributes()));
        REGISTRY.put("DequantizeLinear", (n, v) -> new LinearQuantOp(false, n.attributes()));
    }

    /** LEAKY_RELU → LeakyRelu, HARD_SWISH → HardSwish. */
    private static String onnxName(String enumName) {
        StringBuilder sb = new StringBuilder();
        for (String part : enumName.split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return sb.toString();
    }

    /**
     * The op of a QuantizeLinear node run together with the DequantizeLinear that alone reads its output (same
     * scale, zero point and axis): the float round trip, without the integer tensor between them.
     */
    public static Op quantizeDequantize(Node quantize) {
        return new LinearQuantOp(true, true, quantize.attributes());
    }

    /**
     * True when a node reads the named value as a parameter it needs before running (a Resize's roi, scales or
     * sizes; an Upsample's scales), so that a graph input there is planned by its value. Integer parameters such
     * as shapes are small and planned by value anyway.
     */
    public static boolean readsValue(Graph graph, String value) {
        for (Node n : graph.nodes()) {
            int from = switch (n.opType()) {
                case "Resize", "Upsample" -> 1;
                default -> Integer.MAX_VALUE;
            };
            for (int i = from; i < n.inputs().size(); i++) {
                if (n.inputs().get(i).equals(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static Set<String> supportedTypes() {
        return REGISTRY.keySet();
    }

    /** True when mpq can run this node: a known op type in the default ONNX domain, or one of mpq's own. */
    public static boolean isSupported(Node node) {
        return factory(node) != null;
    }

    private static Factory factory(Node node) {
        String d = node.domain();
        if (d.isEmpty() || d.equals("ai.onnx")) {
            return REGISTRY.get(node.opType());
        }
        return d.equals(MPQ_DOMAIN) ? MPQ_REGISTRY.get(node.opType()) : null;
    }

    /**
     * Refuses a graph with ops mpq cannot run, naming every unsupported op type once with one node that uses it.
     */
    public static void requireSupported(Graph graph) {
        Map<String, String> missing = new TreeMap<>();
        for (Node n : graph.nodes()) {
            if (!isSupported(n)) {
                String op = n.opType().isEmpty() ? "(empty op type)" : n.opType();
                String type = n.domain().isEmpty() || n.domain().equals("ai.onnx") ? op : n.domain() + "." + op;
                missing.putIfAbsent(type, !n.name().isEmpty() ? n.name()
                        : n.outputs().isEmpty() ? "(no name, no outputs)" : n.outputs().getFirst());
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder("unsupported op" + (missing.size() > 1 ? "s" : "") + ": ");
            String sep = "";
            for (Map.Entry<String, String> e : missing.entrySet()) {
                sb.append(sep).append(e.getKey()).append(" (node '").append(e.getValue()).append("')");
                sep = ", ";
            }
            throw new BadInputException(sb.toString());
        }
    }

    /** Builds the op for a node; a bad attribute becomes an error that names the node. */
    public static Op create(Node node, int opset) {
        Factory f = factory(node);
        if (f == null) {
            throw new BadInputException("node " + node.describe() + ": op type '" + node.opType() + "' is not supported");
        }
        try {
            return f.create(node, opset);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("node " + node.describe() + ": " + e.getMessage(), e);
        }
    }
}
