package mpq.hardware;

/** One resource of an accelerator model as a cost model: latency in ms or energy in mJ, per batch of its size. */
public record AcceleratorCost(Accelerator accelerator, String resource) implements CostModel {
    public static final String LATENCY = "latency", ENERGY = "energy";

    public AcceleratorCost {
        if (!resource.equals(LATENCY) && !resource.equals(ENERGY)) {
            throw new IllegalArgumentException("an accelerator counts latency or energy, not " + resource);
        }
    }

    @Override
    public String unit() {
        return resource.equals(LATENCY) ? "ms" : "mJ";
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        return resource.equals(LATENCY) ? accelerator.latencyMs(layer, weightBits, actBits)
                : accelerator.energyMj(layer, weightBits, actBits);
    }
}
