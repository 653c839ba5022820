package mpq.sensitivity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.quant.Bits;
import mpq.quant.Histogram;
import mpq.quant.Estimators;
import mpq.quant.QuantError;
import mpq.quant.QuantParams;
import mpq.quant.SparqWindows;
import mpq.quant.RangeEstimator;
import mpq.quant.Representations;
import mpq.quant.WeightLayer;

/**
 * What quantizing each layer's input activation to a bits costs, for metrics that measure weights by curvature:
 * c_X · E[(Q_a(X) − X)²] with the curvature c_X of the loss with respect to X (through {@link ActivationPerturbation})
 * in the same form the metric takes for weights — the Hessian trace (HAWQ-V2), the top eigenvalue times the
 * activation's size (HAWQ), or the empirical Fisher diagonal's sum — and the mean squared quantization error of the
 * activation's own grid at a bits (through SPARQ's windows where the configuration has them), from its calibration
 * histogram. An activation read by several layers shares its cost among them, since one grid serves them all.
 */
final class ActivationSensitivity {
    private ActivationSensitivity() {}

    enum Curvature { TRACE, TOP_EIGENVALUE, FISHER }

    /** Adds the activation part to every (layer, cell) value of the context: values[layer][cell]. */
    static void addTo(double[][] values, SensitivityContext ctx, Curvature kind, Progress progress) {
        List<WeightLayer> layers = ctx.layers();
        List<String> inputs = new ArrayList<>();
        for (WeightLayer l : layers) {
            if (!inputs.contains(l.input())) {
                inputs.add(l.input());
            }
        }
        ActivationPerturbation p = ActivationPerturbation.insert(ctx.graph(), inputs, ctx.data(), ctx.threads());
        double[] curvature = switch (kind) {
            case TRACE -> traces(ctx, p, progress);
            case TOP_EIGENVALUE -> eigenvalues(ctx, p, progress);
            case FISHER -> fisher(ctx, p, progress);
        };
        Map<String, Integer> readers = new LinkedHashMap<>();
        for (WeightLayer l : layers) {
            readers.merge(l.input(), 1, Integer::sum);
        }
        Map<String, Histogram> hist = ctx.calibrated().histograms();
        RangeEstimator estimator = Estimators.byName(ctx.config().defaults().actEstimator());
        SparqWindows windows = ctx.config().sparq();
        for (int l = 0; l < layers.size(); l++) {
            String x = layers.get(l).input();
            int i = inputs.indexOf(x);
            QuantError error = new QuantError(hist.get(x));
            for (int k = 0; k < ctx.cells().size(); k++) {
                Bits c = ctx.cells().get(k);
                QuantParams params = Representations.DEFAULT.activationParams(hist.get(x), c.a(), estimator);
                double noise = windows != null && windows.appliesTo(params) ? error.meanSquared(params, windows)
                        : error.meanSquared(params);
                values[l][k] += curvature[i] * noise / readers.get(x);
            }
        }
    }

    /** Hutchinson traces of every offset's block, floored at the metric's noise floor as for weights. */
    private static double[] traces(SensitivityContext ctx, ActivationPerturbation p, Progress progress) {
        try (HessianOperator h = new HessianOperator(p.graph(), p.deltas(), ctx.data(), ctx.threads(),
                p.referenceNorm())) {
            progress.start("activation hessian traces", ctx.maxIterations());
            Hutchinson.Result r = Hutchinson.traces(h, ctx.seed(), ctx.tol(), ctx.maxIterations(), progress);
            progress.close();
            double[] c = new double[p.deltas().size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.max(r.traces()[i], HawqMetric.NOISE_FLOOR * r.standardErrors()[i]);
            }
            return c;
        }
    }

    /** Top eigenvalue of each offset's Hessian (negative counts as 0) times the activation's size. */
    private static double[] eigenvalues(SensitivityContext ctx, ActivationPerturbation p, Progress progress) {
        double[] c = new double[p.deltas().size()];
        progress.start("activation hessian eigenvalues", (long) c.length * ctx.maxIterations());
        try {
            for (int i = 0; i < c.length; i++) {
                double norm = Math.sqrt(p.sizes()[i] * p.meanSquares()[i]);
                try (HessianOperator h = new HessianOperator(p.graph(), List.of(p.deltas().get(i)), ctx.data(),
                        ctx.threads(), norm)) {
                    PowerIteration.Result r = PowerIteration.topEigenvalue(h, ctx.seed(), ctx.tol(), ctx.maxIterations(),
                            progress);
                    progress.advance(ctx.maxIterations() - r.iterations());
                    c[i] = Math.max(0, r.eigenvalue()) * p.sizes()[i];
                }
            }
        } finally {
            progress.close();
        }
        return c;
    }

    /** Σ of the empirical Fisher diagonal of each offset, from per-batch gradients as {@link FisherMetric} does. */
    private static double[] fisher(SensitivityContext ctx, ActivationPerturbation p, Progress progress) {
        double[][] diagonal = FisherMetric.diagonal(p.graph(), p.deltas(), ctx, "activation fisher", progress);
        double[] c = new double[diagonal.length];
        for (int i = 0; i < c.length; i++) {
            for (double f : diagonal[i]) {
                c[i] += f;
            }
        }
        return c;
    }
}
