package mpq.hardware;

import mpq.quant.WeightSize;

/**
 * Weight memory in bits: the packed weights plus a float32 scale and a zero point per scale (per channel or one).
 * With multipoint quantization, a layer below 8 bits also counts the most extra points it may take (⌊fraction ×
 * channels⌋, each one more channel at its bits with its own scale), so that a size budget holds after them.
 */
public final class SizeCost implements CostModel {
    private final double multipoint;

    public SizeCost() {
        this(0);
    }

    /** The size with multipoint's extra points up to fraction × each layer's channels. */
    public SizeCost(double multipoint) {
        this.multipoint = multipoint;
    }

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
        double bits = WeightSize.layerBits(layer.params(), weightBits, perChannel ? layer.channels() : 1);
        if (multipoint > 0 && weightBits < 8 && layer.channels() > 0) {
            long extra = mpq.quant.Multipoint.extraPoints(multipoint, layer.channels());
            bits += extra * WeightSize.layerBits(layer.params() / layer.channels(), weightBits, 1);
        }
        return bits;
    }
}
