package mpq.sensitivity;

import mpq.base.Progress;

/** A per-layer, per-bit-width sensitivity: one class per method, selected by {@link #name()}. */
public interface SensitivityMetric {
    String name();

    SensitivityTable compute(SensitivityContext ctx, Progress progress);

    /**
     * Changes whenever what compute returns for the same inputs changes (a fix, a new rounding), so cached tables
     * of the old definition are not reused.
     */
    default int version() {
        return 1;
    }

    /**
     * About how many forward-and-backward passes over all the calibration data compute takes, for telling people
     * how long a slow metric will run (a forward pass alone counts a third).
     */
    double passes(SensitivityContext ctx);
}
