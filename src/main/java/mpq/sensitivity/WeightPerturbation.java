package mpq.sensitivity;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import mpq.quant.Estimators;
import mpq.quant.QuantConfig;
import mpq.quant.WeightLayer;
import mpq.quant.Representations;
import mpq.tensor.Tensor;

/** ΔW = Q_b(W) − W for a layer at a bit-width, with the configured estimator and granularity. */
final class WeightPerturbation {
    private WeightPerturbation() {}

    static Tensor delta(SensitivityContext ctx, WeightLayer l, int bits) {
        QuantConfig.LayerSpec spec = ctx.config().defaults();
        Tensor w = ctx.graph().weight(l.weight());
        Tensor q = Representations.DEFAULT.weightParams(w, spec.perChannel() ? l.channelAxis() : -1, bits,
                Estimators.byName(spec.weightEstimator())).apply(w);
        float[] d = q.data(), a = w.data();
        for (int i = 0; i < w.size(); i++) {
            d[i] -= a[i];
        }
        return q;
    }

    /**
     * A value per layer and cell from the layer's ΔW at the cell's weight bits, f(layer index, ΔW), computed once per
     * weight width (cells that differ only in activation bits share it).
     */
    static double[][] perCell(SensitivityContext ctx, ToDoubleBiFunction<Integer, Tensor> f) {
        List<WeightLayer> layers = ctx.layers();
        double[][] values = new double[layers.size()][ctx.cells().size()];
        for (int l = 0; l < layers.size(); l++) {
            Map<Integer, Double> byWidth = new HashMap<>();
            int layer = l;
            for (int k = 0; k < ctx.cells().size(); k++) {
                values[l][k] = byWidth.computeIfAbsent(ctx.cells().get(k).w(),
                        b -> f.applyAsDouble(layer, delta(ctx, layers.get(layer), b)));
            }
        }
        return values;
    }

    static double squaredNorm(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += (double) t.get(i) * t.get(i);
        }
        return s;
    }
}
