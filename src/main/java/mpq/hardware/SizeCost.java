package mpq.hardware;

import mpq.quant.WeightSize;

/** Weight memory in bits: the packed weights plus a float32 scale and a zero point per scale (per channel or one). */
public final class SizeCost implements CostModel {
    @Override
    public String resource() {
        return "size";
    }

    @Override
    public String unit() {
        return "bits";
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        return WeightSize.layerBits(layer.params(), weightBits, perChannel ? layer.channels() : 1);
    }
}
