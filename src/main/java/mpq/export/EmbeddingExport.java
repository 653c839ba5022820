package mpq.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.Node;
import mpq.quant.Names;
import mpq.quant.QuantRecipe;
import mpq.quant.RowwiseQuantizer;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * Row-wise quantized embedding tables as standard ONNX that any opset-11+ runtime runs, computing exactly what mpq
 * simulates: the codes as uint8 (two 4-bit codes per byte, low nibble first, for 4 bits and fewer), and per row a
 * float16 scale and bias; each Gather of the table becomes Gather of the codes (→ the nibbles split with integer
 * Div/Mod by 16 and interleaved back) → Cast to float → Mul by the gathered scale → Add of the gathered bias.
 * The standard ops are chosen over ONNX Runtime's com.microsoft.GatherBlockQuantized because its zero point is an
 * integer: a float bias per row, as the greedy range search sets it, would not be represented exactly.
 */
final class EmbeddingExport {
    private EmbeddingExport() {}

    /** Rewrites init and nodes in place for every table of the recipe. */
    static void apply(QuantRecipe recipe, Map<String, Attributes.Constant> floatInit,
                      Map<String, Attributes.Constant> init, List<Node> nodes, Set<String> taken) {
        for (QuantRecipe.EmbeddingQuant e : recipe.embeddings()) {
            if (e.method() == RowwiseQuantizer.Method.CODEBOOK) {
                throw new BadInputException("embedding table '" + e.table() + "': codebook tables are simulated only "
                        + "for now; export takes --embedding-method minmax or greedy");
            }
            RowwiseQuantizer.Quantized q = RowwiseQuantizer.quantize(floatInit.get(e.table()).tensor(), e.bits(),
                    e.method());
            boolean packed = q.bits() <= 4 && q.dim() % 2 == 0;
            String codes = fresh(e.table() + "_codes", taken), scale = fresh(e.table() + "_scale", taken);
            String bias = fresh(e.table() + "_bias", taken);
            init.remove(e.table());
            init.put(codes, new Attributes.Constant(codeTensor(q, packed), DType.UINT8));
            init.put(scale, new Attributes.Constant(new Tensor(new int[] {q.rows(), 1}, q.scale()), DType.FLOAT16));
            init.put(bias, new Attributes.Constant(new Tensor(new int[] {q.rows(), 1}, q.bias()), DType.FLOAT16));
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (n.opType().equals("Gather") && n.input(0).equals(e.table())) {
                    List<Node> lookup = lookup(n, codes, scale, bias, packed, q.dim(), init, taken);
                    nodes.remove(i);
                    nodes.addAll(i, lookup);
                    i += lookup.size() - 1;
                }
            }
        }
    }

    private static Tensor codeTensor(RowwiseQuantizer.Quantized q, boolean packed) {
        int width = packed ? q.dim() / 2 : q.dim();
        long[] v = new long[q.rows() * width];
        for (int r = 0; r < q.rows(); r++) {
            for (int j = 0; j < width; j++) {
                int o = r * q.dim();
                v[r * width + j] = packed ? q.codes()[o + 2 * j] | q.codes()[o + 2 * j + 1] << 4 : q.codes()[o + j];
            }
        }
        return new Tensor(DType.UINT8, new int[] {q.rows(), width}, v);
    }

    /** The nodes that compute what Gather(table, ids) computed, from the codes, scales and biases. */
    private static List<Node> lookup(Node gather, String codes, String scale, String bias, boolean packed, int dim,
                                     Map<String, Attributes.Constant> init, Set<String> taken) {
        String ids = gather.input(1), out = gather.output(0), base = out;
        List<Node> n = new ArrayList<>();
        String code = fresh(base + "_codes", taken);
        n.add(node("Gather", List.of(codes, ids), code, Attributes.none()));
        if (packed) {
            String wide = fresh(base + "_int", taken), sixteen = constant(base + "_16", 16, init, taken);
            String hi = fresh(base + "_hi", taken), lo = fresh(base + "_lo", taken);
            n.add(node("Cast", List.of(code), wide, new Attributes(Map.of("to", (long) DType.INT32.onnxCode))));
            n.add(node("Div", List.of(wide, sixteen), hi, Attributes.none()));
            n.add(node("Mod", List.of(wide, sixteen), lo, Attributes.none()));
            // [..., dim/2] → [..., dim/2, 1] each, side by side (low nibble first) → [..., dim]
            String one = longs(base + "_one", init, taken, 1), shape = fresh(base + "_pairs_shape", taken);
            String shapeIn = fresh(base + "_packed_shape", taken);
            n.add(node("Shape", List.of(code), shapeIn, Attributes.none()));
            n.add(node("Concat", List.of(shapeIn, one), shape, new Attributes(Map.of("axis", 0L))));
            String lo3 = fresh(base + "_lo3", taken), hi3 = fresh(base + "_hi3", taken);
            n.add(node("Reshape", List.of(lo, shape), lo3, Attributes.none()));
            n.add(node("Reshape", List.of(hi, shape), hi3, Attributes.none()));
            String pairs = fresh(base + "_pairs", taken), idShape = fresh(base + "_ids_shape", taken);
            String outShape = fresh(base + "_shape", taken), width = longs(base + "_width", init, taken, dim);
            n.add(node("Concat", List.of(lo3, hi3), pairs, new Attributes(Map.of("axis", -1L))));
            n.add(node("Shape", List.of(ids), idShape, Attributes.none()));
            n.add(node("Concat", List.of(idShape, width), outShape, new Attributes(Map.of("axis", 0L))));
            String unpacked = fresh(base + "_unpacked", taken);
            n.add(node("Reshape", List.of(pairs, outShape), unpacked, Attributes.none()));
            code = unpacked;
        }
        String f = fresh(base + "_levels", taken), s16 = fresh(base + "_scale16", taken), s = fresh(base + "_scale", taken);
        String b16 = fresh(base + "_bias16", taken), b = fresh(base + "_bias", taken), sq = fresh(base + "_scaled", taken);
        Attributes toFloat = new Attributes(Map.of("to", (long) DType.FLOAT.onnxCode));
        n.add(node("Cast", List.of(code), f, toFloat));
        n.add(node("Gather", List.of(scale, ids), s16, Attributes.none()));
        n.add(node("Cast", List.of(s16), s, toFloat));
        n.add(node("Gather", List.of(bias, ids), b16, Attributes.none()));
        n.add(node("Cast", List.of(b16), b, toFloat));
        n.add(node("Mul", List.of(f, s), sq, Attributes.none()));   // q·s, then + b: as the simulation computes it
        n.add(new Node(gather.name(), "Add", "", List.of(sq, b), List.of(out), Attributes.none()));
        return n;
    }

    private static Node node(String op, List<String> inputs, String output, Attributes a) {
        return new Node(output + "/" + op, op, "", inputs, List.of(output), a);
    }

    private static String constant(String base, int v, Map<String, Attributes.Constant> init, Set<String> taken) {
        String name = fresh(base, taken);
        init.put(name, new Attributes.Constant(new Tensor(DType.INT32, new int[0], new long[] {v}), DType.INT32));
        return name;
    }

    private static String longs(String base, Map<String, Attributes.Constant> init, Set<String> taken, long... v) {
        String name = fresh(base, taken);
        init.put(name, new Attributes.Constant(new Tensor(DType.INT64, new int[] {v.length}, v), DType.INT64));
        return name;
    }

    private static String fresh(String base, Set<String> taken) {
        String name = Names.fresh(base, taken::contains);
        taken.add(name);
        return name;
    }
}
