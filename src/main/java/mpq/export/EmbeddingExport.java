package mpq.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Attributes;
import mpq.graph.Node;
import mpq.quant.Names;
import mpq.quant.QuantRecipe;
import mpq.quant.RowwiseQuantizer;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * Row-wise quantized embedding tables as standard ONNX that any opset-11+ runtime runs, computing exactly what mpq
 * simulates: the codes as uint8, packed 8/b to a byte for b = 1, 2 or 4 bits (the first code in the lowest bits;
 * other widths one per byte), and per row a float16 scale and bias; each Gather of the table becomes Gather of the
 * codes (→ split with integer Div/Mod by powers of two and interleaved back) → Cast to float → Mul by the gathered
 * scale → Add of the gathered bias; for a codebook, Cast to int64 → GatherElements from the gathered row of
 * 2^b float16 centroids.
 * The standard ops are chosen over ONNX Runtime's com.microsoft.GatherBlockQuantized because its zero point is an
 * integer: a float bias per row, as the greedy range search sets it, would not be represented exactly.
 */
final class EmbeddingExport {
    private EmbeddingExport() {}

    /** Rewrites init and nodes in place for every table of the recipe. */
    static void apply(QuantRecipe recipe, Map<String, Attributes.Constant> floatInit,
                      Map<String, Attributes.Constant> init, List<Node> nodes, Set<String> taken) {
        for (QuantRecipe.EmbeddingQuant e : recipe.embeddings()) {
            RowwiseQuantizer.Quantized q = RowwiseQuantizer.quantize(floatInit.get(e.table()).tensor(), e.bits(),
                    e.method());
            int perByte = 8 % q.bits() == 0 && q.bits() < 8 && q.dim() % (8 / q.bits()) == 0 ? 8 / q.bits() : 1;
            boolean book = q.method() == RowwiseQuantizer.Method.CODEBOOK;
            String codes = Names.fresh(e.table() + "_codes", taken), scale = Names.fresh(e.table() + (book ? "_codebook" : "_scale"), taken);
            String bias = book ? null : Names.fresh(e.table() + "_bias", taken);
            init.remove(e.table());
            init.put(codes, new Attributes.Constant(codeTensor(q, perByte), DType.UINT8));
            if (book) {   // 2^b float16 centroids per row
                init.put(scale, new Attributes.Constant(new Tensor(new int[] {q.rows(), 1 << q.bits()}, q.codebook()),
                        DType.FLOAT16));
            } else {
                init.put(scale, new Attributes.Constant(new Tensor(new int[] {q.rows(), 1}, q.scale()), DType.FLOAT16));
                init.put(bias, new Attributes.Constant(new Tensor(new int[] {q.rows(), 1}, q.bias()), DType.FLOAT16));
            }
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (n.opType().equals("Gather") && n.input(0).equals(e.table())) {
                    List<Node> lookup = lookup(n, codes, scale, bias, perByte, q.bits(), q.dim(), init, taken);
                    nodes.remove(i);
                    nodes.addAll(i, lookup);
                    i += lookup.size() - 1;
                }
            }
        }
    }

    private static Tensor codeTensor(RowwiseQuantizer.Quantized q, int perByte) {
        int width = q.dim() / perByte;
        long[] v = new long[q.rows() * width];
        for (int r = 0; r < q.rows(); r++) {
            for (int j = 0; j < width; j++) {
                long b = 0;
                for (int k = 0; k < perByte; k++) {
                    b |= (long) q.codes()[r * q.dim() + j * perByte + k] << (k * q.bits());
                }
                v[r * width + j] = b;
            }
        }
        return new Tensor(DType.UINT8, new int[] {q.rows(), width}, v);
    }

    /** The nodes that compute what Gather(table, ids) computed, from the codes, scales and biases. */
    private static List<Node> lookup(Node gather, String codes, String scale, String bias, int perByte, int bits,
                                     int dim, Map<String, Attributes.Constant> init, Set<String> taken) {
        String ids = gather.input(1), out = gather.output(0), base = out;
        List<Node> n = new ArrayList<>();
        String code = Names.fresh(base + "_codes", taken);
        n.add(node("Gather", List.of(codes, ids), code, Attributes.none()));
        if (perByte > 1) {
            // code k of a byte = (byte / 2^(k·bits)) mod 2^bits, each [..., dim/perByte, 1], side by side → [..., dim]
            String wide = Names.fresh(base + "_int", taken), levels = constant(base + "_levels_per_code", 1 << bits, init, taken);
            n.add(node("Cast", List.of(code), wide, new Attributes(Map.of("to", (long) DType.INT32.onnxCode))));
            String one = longs(base + "_one", init, taken, 1), shape = Names.fresh(base + "_pairs_shape", taken);
            String shapeIn = Names.fresh(base + "_packed_shape", taken);
            n.add(node("Shape", List.of(code), shapeIn, Attributes.none()));
            n.add(node("Concat", List.of(shapeIn, one), shape, new Attributes(Map.of("axis", 0L))));
            List<String> parts = new ArrayList<>();
            String rest = wide;
            for (int k = 0; k < perByte; k++) {
                String c = Names.fresh(base + "_code" + k, taken), c3 = Names.fresh(base + "_code" + k + "_3d", taken);
                n.add(node("Mod", List.of(rest, levels), c, Attributes.none()));
                n.add(node("Reshape", List.of(c, shape), c3, Attributes.none()));
                parts.add(c3);
                if (k + 1 < perByte) {
                    String next = Names.fresh(base + "_rest" + k, taken);
                    n.add(node("Div", List.of(rest, levels), next, Attributes.none()));
                    rest = next;
                }
            }
            String pairs = Names.fresh(base + "_pairs", taken), idShape = Names.fresh(base + "_ids_shape", taken);
            String outShape = Names.fresh(base + "_shape", taken), width = longs(base + "_width", init, taken, dim);
            n.add(node("Concat", parts, pairs, new Attributes(Map.of("axis", -1L))));
            n.add(node("Shape", List.of(ids), idShape, Attributes.none()));
            n.add(node("Concat", List.of(idShape, width), outShape, new Attributes(Map.of("axis", 0L))));
            String unpacked = Names.fresh(base + "_unpacked", taken);
            n.add(node("Reshape", List.of(pairs, outShape), unpacked, Attributes.none()));
            code = unpacked;
        }
        Attributes toFloat = new Attributes(Map.of("to", (long) DType.FLOAT.onnxCode));
        if (bias == null) {   // a codebook: each code picks one of its row's centroids
            String index = Names.fresh(base + "_index", taken), cb16 = Names.fresh(base + "_codebook16", taken);
            String cb = Names.fresh(base + "_codebook", taken);
            n.add(node("Cast", List.of(code), index, new Attributes(Map.of("to", (long) DType.INT64.onnxCode))));
            n.add(node("Gather", List.of(scale, ids), cb16, Attributes.none()));
            n.add(node("Cast", List.of(cb16), cb, toFloat));
            n.add(new Node(gather.name(), "GatherElements", "", List.of(cb, index), List.of(out),
                    new Attributes(Map.of("axis", -1L))));
            return n;
        }
        String f = Names.fresh(base + "_levels", taken), s16 = Names.fresh(base + "_scale16", taken), s = Names.fresh(base + "_scale", taken);
        String b16 = Names.fresh(base + "_bias16", taken), b = Names.fresh(base + "_bias", taken), sq = Names.fresh(base + "_scaled", taken);
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
        String name = Names.fresh(base, taken);
        init.put(name, new Attributes.Constant(new Tensor(DType.INT32, new int[0], new long[] {v}), DType.INT32));
        return name;
    }

    private static String longs(String base, Map<String, Attributes.Constant> init, Set<String> taken, long... v) {
        String name = Names.fresh(base, taken);
        init.put(name, new Attributes.Constant(new Tensor(DType.INT64, new int[] {v.length}, v), DType.INT64));
        return name;
    }
}
