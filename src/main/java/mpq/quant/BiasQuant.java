package mpq.quant;

import mpq.graph.Node;
import mpq.tensor.Tensor;

/**
 * A layer's bias as a deployed integer model stores it: int32 on the scale input·weight (per output channel), so the
 * accumulator can add it without rescaling. Both the simulation ({@link FakeQuantPass}) and the ONNX export use these
 * values, so that the two compute the same thing.
 *
 * @param scales one scale per bias element: the input's scale times the channel's weight scale (float32 product)
 * @param levels the integers, held as floats
 */
public record BiasQuant(float[] scales, float[] levels) {
    /** Levels beyond this are not held exactly in float32; such a bias stays float. */
    private static final double LIMIT = 1 << 24;

    /**
     * The quantized bias of a layer, or null where a deployed model keeps it float: the layer's input is not
     * quantized per tensor, the bias is not one value per channel, a Gemm scales it (beta ≠ 1), or a level would
     * be too large.
     */
    public static BiasQuant of(QuantRecipe recipe, QuantRecipe.LayerQuant layer, Node node, Tensor bias) {
        QuantRecipe.ActivationQuant in = recipe.activation(layer.input());
        QuantParams w = layer.weightParams();
        if (in == null || in.params().perChannel() || bias.rank() != 1 || WeightLayer.biasScale(node) != 1f
                || (w.perChannel() && bias.size() != w.scales().length)) {
            return null;
        }
        float sIn = in.params().scale(0);
        float[] scales = new float[bias.size()];
        float[] levels = new float[bias.size()];
        for (int c = 0; c < levels.length; c++) {
            scales[c] = sIn * w.scale(w.perChannel() ? c : 0);
            float v = (float) Math.rint(bias.get(c) / scales[c]);
            if (Math.abs(v) > LIMIT) {
                return null;
            }
            levels[c] = v;
        }
        return new BiasQuant(scales, levels);
    }

    /** The values the runtime adds: level · scale in float32, as DequantizeLinear computes them. */
    public float[] dequantized() {
        float[] b = new float[levels.length];
        for (int c = 0; c < b.length; c++) {
            b[c] = levels[c] * scales[c];
        }
        return b;
    }
}
