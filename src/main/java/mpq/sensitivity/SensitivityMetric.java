package mpq.sensitivity;

import mpq.base.Progress;

/** A per-layer, per-bit-width sensitivity: one class per method, selected by {@link #name()}. */
public interface SensitivityMetric {
    String name();

    SensitivityTable compute(SensitivityContext ctx, Progress progress);
}
