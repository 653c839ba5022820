package mpq.hardware;

/** Bit operations: multiply-accumulates per example times weight bits times activation bits. */
public final class BopsCost implements CostModel {
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
