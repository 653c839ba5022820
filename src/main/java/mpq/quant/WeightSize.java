package mpq.quant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;

/**
 * Storage a model's parameters need: quantized weights at their bit-width (packed), plus per scale a float32 scale
 * and a zero point at the weight's bit-width; embedding tables at their bits with float16 scale and bias (or
 * centroids) per row; every other float parameter (biases, unquantized weights) at 32 bits, as an int32 bias or a
 * float would be stored. A multipoint layer's extra points count as extra channels: their integers at the layer's
 * bits, a float32 scale and a zero point each.
 */
public final class WeightSize {
    private WeightSize() {}

    /** Bits one layer's quantized weight takes with its scales and zero points. */
    public static long layerBits(long params, int bits, int scales) {
        return params * bits + (long) scales * (32 + bits);
    }

    /** Bytes of all parameters of the float graph under the recipe (rounded up to whole bytes). */
    public static long bytes(Graph g, QuantRecipe r) {
        Map<String, QuantRecipe.LayerQuant> quantized = new HashMap<>();
        for (QuantRecipe.LayerQuant l : r.layers()) {
            quantized.put(l.weight(), l);
        }
        Map<String, QuantRecipe.EmbeddingQuant> tables = new HashMap<>();
        for (QuantRecipe.EmbeddingQuant t : r.embeddings()) {
            tables.put(t.table(), t);
        }
        long bits = 0;
        for (Map.Entry<String, Attributes.Constant> e : g.initializers().entrySet()) {
            if (!isParameter(e.getValue())) {
                continue;
            }
            QuantRecipe.EmbeddingQuant t = tables.get(e.getKey());
            if (t != null) {   // packed codes and, per row, two float16 (scale, bias) or 2^bits float16 centroids
                int[] shape = e.getValue().tensor().shape();
                bits += (long) shape[0] * shape[1] * t.bits()
                        + (long) shape[0] * 16 * (t.method() == RowwiseQuantizer.Method.CODEBOOK ? 1 << t.bits() : 2);
                continue;
            }
            QuantRecipe.LayerQuant l = quantized.get(e.getKey());
            long n = e.getValue().tensor().size();
            if (l == null) {
                bits += 32 * n;
                continue;
            }
            bits += layerBits(n, l.weightBits(), l.weightParams().scales().length);
            for (QuantRecipe.ExtraPoint p : r.extraPoints().getOrDefault(l.name(), List.of())) {
                bits += layerBits(p.levels().length, l.weightBits(), 1);
            }
        }
        return (bits + 7) / 8;
    }

    /** Bytes of all float parameters at 32 bits: the unquantized model. */
    public static long float32Bytes(Graph g) {
        long n = 0;
        for (Attributes.Constant c : g.initializers().values()) {
            if (isParameter(c)) {
                n += c.tensor().size();
            }
        }
        return 4 * n;
    }

    private static boolean isParameter(Attributes.Constant c) {
        return c.type() == DType.FLOAT && c.tensor().rank() >= 1;
    }
}
