package mpq.quant;

/** A clipping range [lo, hi] chosen for a tensor (or one channel of it). */
public record Range(double lo, double hi) {
    public double width() {
        return hi - lo;
    }

    public double maxAbs() {
        return Math.max(Math.abs(lo), Math.abs(hi));
    }
}
