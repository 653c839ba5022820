package mpq.sensitivity;

import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.graph.Graph;
import mpq.graph.LossInput;
import mpq.graph.exec.Backprop;
import mpq.quant.WeightLayer;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * Fisher sensitivity: Σ_i F_i·ΔW_i² with the empirical Fisher diagonal F estimated from the squared gradients of the
 * mean cross-entropy of each calibration batch, weighted by the batch's share of the examples (per-batch rather than
 * per-example gradients: smaller batches estimate F better). With several activation widths, the input activation's
 * part is added in the same form ({@link ActivationSensitivity}).
 */
public final class FisherMetric implements SensitivityMetric {
    @Override
    public String name() {
        return "fisher";
    }

    /** 2: the loss of a model that ends in a Softmax is taken at its logits ({@link LossInput}). */
    @Override
    public int version() {
        return 2;
    }

    @Override
    public double passes(SensitivityContext ctx) {
        return ctx.mixedActivations() ? 2 : 1;
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        List<String> weights = ctx.layers().stream().map(WeightLayer::weight).toList();
        double[][] fisher = diagonal(ctx.graph(), weights, ctx, "fisher", progress);
        double[][] values = WeightPerturbation.perCell(ctx, (l, d) -> {
            double sum = 0;
            for (int i = 0; i < d.size(); i++) {
                sum += fisher[l][i] * d.get(i) * d.get(i);
            }
            return sum;
        });
        if (ctx.mixedActivations()) {
            ActivationSensitivity.addTo(values, ctx, ActivationSensitivity.Curvature.FISHER, progress);
        }
        return new SensitivityTable(name(), ctx.layerNames(), ctx.cells(), values);
    }

    /**
     * The empirical Fisher diagonal of each parameter of g (initializers by name): Σ over the calibration batches of
     * the batch's share of the examples times the squared gradient of its mean cross-entropy.
     */
    static double[][] diagonal(Graph g, List<String> params, SensitivityContext ctx, String task, Progress progress) {
        double[][] fisher = new double[params.size()][];
        int total = ctx.data().examples();
        progress.start(task, ctx.data().list().size());
        try (Backprop bp = new Backprop(g, params, false, ctx.threads())) {
            String output = LossInput.of(g);   // the logits, also for a model that ends in a Softmax
            for (int b = 0; b < ctx.data().list().size(); b++) {
                Tensor x = ctx.data().list().get(b);
                bp.forward(x);
                Tensor logits = bp.value(output);
                Tensor grad = Tensor.zeros(logits.shape());
                Losses.crossEntropy(logits, ctx.data().labels(b), grad);
                bp.backward(Map.of(output, grad));
                double share = (double) x.dim(0) / total;
                for (int p = 0; p < params.size(); p++) {
                    Tensor gr = bp.gradient(params.get(p));
                    int size = bp.parameter(params.get(p)).size();
                    if (fisher[p] == null) {
                        fisher[p] = new double[size];
                    }
                    for (int i = 0; gr != null && i < size; i++) {
                        fisher[p][i] += share * (double) gr.get(i) * gr.get(i);
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        return fisher;
    }
}
