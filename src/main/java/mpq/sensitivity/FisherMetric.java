package mpq.sensitivity;

import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.graph.exec.Backprop;
import mpq.quant.WeightLayer;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * Fisher sensitivity: Σ_i F_i·ΔW_i² with the empirical Fisher diagonal F estimated from the squared gradients of the
 * mean cross-entropy of each calibration batch, weighted by the batch's share of the examples (per-batch rather than
 * per-example gradients: smaller batches estimate F better).
 */
public final class FisherMetric implements SensitivityMetric {
    @Override
    public String name() {
        return "fisher";
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        List<WeightLayer> layers = ctx.layers();
        List<String> weights = layers.stream().map(WeightLayer::weight).toList();
        double[][] fisher = new double[layers.size()][];
        int total = ctx.data().examples();
        progress.start("fisher", ctx.data().list().size());
        try (Backprop bp = new Backprop(ctx.graph(), weights, false, ctx.threads())) {
            String output = ctx.graph().outputs().getFirst().name();
            for (int b = 0; b < ctx.data().list().size(); b++) {
                Tensor x = ctx.data().list().get(b);
                Tensor logits = bp.forward(x);
                Tensor grad = Tensor.zeros(logits.shape());
                Losses.crossEntropy(logits, ctx.data().labels(b), grad);
                bp.backward(Map.of(output, grad));
                double share = (double) x.dim(0) / total;
                for (int l = 0; l < layers.size(); l++) {
                    Tensor g = bp.gradient(weights.get(l));
                    int size = bp.parameter(weights.get(l)).size();
                    if (fisher[l] == null) {
                        fisher[l] = new double[size];
                    }
                    for (int i = 0; g != null && i < size; i++) {
                        fisher[l][i] += share * (double) g.get(i) * g.get(i);
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        double[][] values = new double[layers.size()][ctx.bits().length];
        for (int l = 0; l < layers.size(); l++) {
            for (int k = 0; k < ctx.bits().length; k++) {
                Tensor d = WeightPerturbation.delta(ctx, layers.get(l), ctx.bits()[k]);
                double s = 0;
                for (int i = 0; i < d.size(); i++) {
                    s += fisher[l][i] * d.get(i) * d.get(i);
                }
                values[l][k] = s;
            }
        }
        return new SensitivityTable(name(), ctx.layerNames(), ctx.bits(), values);
    }
}
