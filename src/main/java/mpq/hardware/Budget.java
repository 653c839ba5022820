package mpq.hardware;

/** A limit on one resource: what a cost model counts and how much of it the model may use in total. */
public record Budget(CostModel model, double limit) {}
