package mpq.quant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a quantized model on top of its float graph (BN folded): per layer the weight grid and
 * scales, per activation value its grid, scale and zero point, and biases changed by bias correction. Export, search
 * and later refinement read it; {@link RecipeJson} saves and loads it.
 *
 * @param biases corrected bias values by layer name (only layers that bias correction changed)
 */
public record QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases) {
    /** One weight layer: its names in the graph, its bit-widths and the weight's quantization. */
    public record LayerQuant(String name, String opType, String weight, String input, int weightBits, int actBits,
                             QuantParams weightParams, String weightEstimator) {}

    /** One quantized activation value. */
    public record ActivationQuant(String value, QuantParams params, String estimator) {}

    public QuantRecipe {
        layers = List.copyOf(layers);
        activations = List.copyOf(activations);
        biases = Map.copyOf(biases);
    }

    public LayerQuant layer(String name) {
        for (LayerQuant l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    public ActivationQuant activation(String value) {
        for (ActivationQuant a : activations) {
            if (a.value().equals(value)) {
                return a;
            }
        }
        return null;
    }

    /** The same recipe with one layer's bias replaced. */
    public QuantRecipe withBias(String layer, float[] bias) {
        Map<String, float[]> b = new LinkedHashMap<>(biases);
        b.put(layer, bias.clone());
        return new QuantRecipe(layers, activations, b);
    }
}
