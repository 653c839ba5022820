package mpq.hardware;

/** Weight bits without any overhead (params · b): the measure behind an average-bits budget. */
public final class WeightBitsCost implements CostModel {
    @Override
    public String resource() {
        return "weight bits";
    }

    @Override
    public String unit() {
        return "bits";
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        return (double) layer.params() * weightBits;
    }
}
