package mpq.hardware;

/** The cost of one layer at given weight and activation bit-widths, in the model's unit (bits, BOPs, ms, mJ). */
public interface CostModel {
    /** E.g. "size", "bops", "latency". */
    String resource();

    /** The unit of {@link #cost}, for messages and reports. */
    String unit();

    double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel);
}
