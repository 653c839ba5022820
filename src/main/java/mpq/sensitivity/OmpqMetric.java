package mpq.sensitivity;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.graph.exec.Executor;
import mpq.quant.Bits;
import mpq.quant.WeightLayer;
import mpq.tensor.Tensor;

/**
 * OMPQ's orthogonality proxy ({@code ompq}): the output features of every weight layer on one batch of up to 32
 * calibration examples, their linear CKA ({@link FeatureOrthogonality}), γ_i = Σ_{j≠i} CKA_ij, θ_i = exp(−β γ_i)
 * (a layer unlike the others matters more), and layer i's importance, the mean of θ over it and the layers after
 * it. The sensitivity of a (w, a) cell is the importance times the bits given up, ((8 − w) + (8 − a)) / 8, so that
 * minimising the total is OMPQ's linear objective (maximise Σ importance × bits / 8).
 *
 * <p>β: OMPQ tunes it per network (10, 100, 3.3, 1e-9 in its code), which the scale of γ explains — γ grows with the
 * number of layers and their similarity. mpq sets β = 1 / (γ_max − γ_min), so that on every network θ spans a factor
 * of e from the least to the most orthogonal layer, and says which β that was.
 */
public final class OmpqMetric implements SensitivityMetric {
    /** Examples the features are taken on (OMPQ: one batch of 32). */
    static final int EXAMPLES = 32;

    @Override
    public String name() {
        return "ompq";
    }

    @Override
    public double passes(SensitivityContext ctx) {
        return (double) EXAMPLES / Math.max(1, ctx.data().examples()) / 3;   // one forward pass on one batch
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        List<WeightLayer> layers = ctx.layers();
        Set<String> outputs = new LinkedHashSet<>();
        layers.forEach(l -> outputs.add(l.output()));
        String single = ctx.graph().inputs().getFirst().name();
        Map<String, Tensor> batch = ctx.data().inputs(0, single);
        int n = Math.min(EXAMPLES, batch.values().iterator().next().dim(0));
        if (n < 2) {
            throw new BadInputException("ompq: the first calibration batch has " + n + " example; it needs at least 2"
                    + " (use a larger --batch)");
        }
        double[][][] grams = new double[layers.size()][][];
        progress.start("ompq features", layers.size());
        try (Executor ex = new Executor(ctx.graph(), ctx.threads(), outputs)) {
            ex.run(batch);
            for (int l = 0; l < layers.size(); l++) {
                grams[l] = FeatureOrthogonality.centredGram(ex.value(layers.get(l).output()), n);
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        double[][] cka = FeatureOrthogonality.cka(grams);
        double[] gamma = new double[layers.size()];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < gamma.length; i++) {
            for (int j = 0; j < gamma.length; j++) {
                gamma[i] += i == j ? 0 : cka[i][j];
            }
            lo = Math.min(lo, gamma[i]);
            hi = Math.max(hi, gamma[i]);
        }
        double beta = hi > lo ? 1 / (hi - lo) : 0;
        progress.note(String.format("ompq: features of %d examples; β = %.4g (1 / the spread of γ, %.4g to %.4g)", n,
                beta, lo, hi));
        double[] importance = importance(gamma, beta);
        List<Bits> cells = ctx.cells();
        double[][] values = new double[layers.size()][cells.size()];
        for (int l = 0; l < layers.size(); l++) {
            for (int k = 0; k < cells.size(); k++) {
                Bits c = cells.get(k);
                values[l][k] = importance[l] * (Math.max(0, 8 - c.w()) + Math.max(0, 8 - c.a())) / 8.0;
            }
        }
        return new SensitivityTable(name(), ctx.layerNames(), cells, values);
    }

    /** θ_i = exp(−β γ_i); layer i's importance is the mean of θ over layers i … L − 1 (OMPQ's 1/(L − i) Σ_{j≥i} θ_j). */
    static double[] importance(double[] gamma, double beta) {
        int l = gamma.length;
        double[] out = new double[l];
        double tail = 0;
        for (int i = l - 1; i >= 0; i--) {
            tail += Math.exp(-beta * gamma[i]);
            out[i] = tail / (l - i);
        }
        return out;
    }
}
