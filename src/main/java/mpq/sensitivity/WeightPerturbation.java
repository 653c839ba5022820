package mpq.sensitivity;

import mpq.quant.Estimators;
import mpq.quant.QuantConfig;
import mpq.quant.WeightLayer;
import mpq.quant.WeightQuantizer;
import mpq.tensor.Tensor;

/** ΔW = Q_b(W) − W for a layer at a bit-width, with the configured estimator and granularity. */
final class WeightPerturbation {
    private WeightPerturbation() {}

    static Tensor delta(SensitivityContext ctx, WeightLayer l, int bits) {
        QuantConfig.LayerSpec spec = ctx.config().defaults();
        Tensor w = ctx.graph().weight(l.weight());
        Tensor q = WeightQuantizer.params(w, spec.perChannel() ? l.channelAxis() : -1, bits,
                Estimators.byName(spec.weightEstimator())).apply(w);
        float[] d = q.data(), a = w.data();
        for (int i = 0; i < w.size(); i++) {
            d[i] -= a[i];
        }
        return q;
    }

    static double squaredNorm(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += (double) t.get(i) * t.get(i);
        }
        return s;
    }
}
