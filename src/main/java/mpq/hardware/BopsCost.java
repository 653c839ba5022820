package mpq.hardware;

import mpq.graph.Graph;
import mpq.quant.QuantRecipe;

/** Bit operations: multiply-accumulates per example times weight bits times activation bits. */
public final class BopsCost implements CostModel {
    /**
     * The bit operations per example of a quantized model: each layer's MACs × its weight grid's bits × its input's
     * bits, where a layer reads through SPARQ windows the window's bits (what a SPARQ multiplier takes per value).
     */
    public static double of(Graph floatGraph, QuantRecipe r) {
        java.util.Set<String> windowed = new java.util.HashSet<>();
        r.windowedLayers().forEach(l -> windowed.add(l.name()));
        double sum = 0;
        for (LayerShape shape : LayerShape.of(floatGraph)) {
            QuantRecipe.LayerQuant l = r.layer(shape.name());
            if (l != null) {
                QuantRecipe.ActivationQuant in = r.activation(l.input());
                int a = in == null ? l.actBits() : in.params().grid().bits();
                sum += (double) shape.macs() * l.weightParams().grid().bits()
                        * (windowed.contains(l.name()) ? r.sparq().bits() : a);
            }
        }
        return sum;
    }

    @Override
    public String resource() {
        return "bops";
    }

    @Override
    public String unit() {
        return "BOPs";
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        return (double) layer.macs() * weightBits * actBits;
    }
}
