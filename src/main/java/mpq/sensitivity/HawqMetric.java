package mpq.sensitivity;

import mpq.graph.LossInput;

import java.util.List;
import mpq.base.Progress;
import mpq.quant.WeightLayer;

/**
 * HAWQ: top Hessian eigenvalue · ‖Q(W) − W‖² per layer and bit-width; HAWQ-V2 ({@code trace}): mean Hessian
 * diagonal (trace / parameters) · ‖Q(W) − W‖². The Hessian is of the mean cross-entropy over the calibration data.
 * When the cells differ in activation bits, each gets the same measure of its input activation's quantization
 * added ({@link ActivationSensitivity}); with one activation width that part is the same in every cell of a layer,
 * so it is left out.
 *
 * <p>A curvature estimate must not make quantizing a layer look harmless on the strength of noise. A negative top
 * eigenvalue counts as 0. A Hutchinson trace is taken as at least {@value #NOISE_FLOOR} standard errors: a trace
 * that is not significantly positive (all blocks share each sample's vector, so a block's estimate carries the other
 * blocks' noise) is, as far as the samples can tell, as large as that, not zero.
 */
public final class HawqMetric implements SensitivityMetric {
    private final boolean trace;
    /** Standard errors below which a Hutchinson trace is indistinguishable from noise. */
    static final double NOISE_FLOOR = 2.0;

    public HawqMetric(boolean trace) {
        this.trace = trace;
    }

    @Override
    public String name() {
        return trace ? "hawq-v2" : "hawq";
    }

    /**
     * HAWQ-V2 at 3: Hutchinson's products take one calibration batch each (2), traces floored at the noise (3); both
     * one up since the loss of a model that ends in a Softmax is taken at its logits ({@link LossInput}).
     */
    @Override
    public int version() {
        return trace ? 4 : 2;
    }

    /** Typical power-iteration products per layer on CIFAR ResNets (they converge in 6–22). */
    private static final int TYPICAL_PRODUCTS = 12;

    @Override
    public double passes(SensitivityContext ctx) {
        double weights = trace
                ? ctx.maxIterations() * (1 + 1.0 / 3) / ctx.data().list().size()   // one batch per sample
                : ctx.layers().size() * TYPICAL_PRODUCTS * (2 + 1.0 / 3);       // all data, central difference
        return ctx.mixedActivations() ? 2 * weights : weights;
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        List<WeightLayer> layers = ctx.layers();
        double[] curvature = new double[layers.size()];
        if (trace) {
            List<String> weights = layers.stream().map(WeightLayer::weight).toList();
            try (HessianOperator h = new HessianOperator(ctx.graph(), weights, ctx.data(), ctx.threads())) {
                progress.start("hessian traces", ctx.maxIterations());
                Hutchinson.Result r = Hutchinson.traces(h, ctx.seed(), ctx.tol(), ctx.maxIterations(), progress);
                progress.close();
                int[] sizes = h.blockSizes();
                for (int l = 0; l < layers.size(); l++) {
                    curvature[l] = Math.max(r.traces()[l], NOISE_FLOOR * r.standardErrors()[l]) / sizes[l];
                }
            }
        } else {
            progress.start("hessian eigenvalues", (long) layers.size() * ctx.maxIterations());
            for (int l = 0; l < layers.size(); l++) {
                try (HessianOperator h = new HessianOperator(ctx.graph(), List.of(layers.get(l).weight()), ctx.data(),
                        ctx.threads())) {
                    PowerIteration.Result r = PowerIteration.topEigenvalue(h, ctx.seed(), ctx.tol(), ctx.maxIterations(),
                            progress);
                    progress.advance(ctx.maxIterations() - r.iterations());
                    curvature[l] = Math.max(0, r.eigenvalue());
                }
            }
            progress.close();
        }
        double[][] values = WeightPerturbation.perCell(ctx, (l, delta) ->
                curvature[l] * WeightPerturbation.squaredNorm(delta));
        if (ctx.mixedActivations()) {
            ActivationSensitivity.addTo(values, ctx, trace ? ActivationSensitivity.Curvature.TRACE
                    : ActivationSensitivity.Curvature.TOP_EIGENVALUE, progress);
        }
        return new SensitivityTable(name(), ctx.layerNames(), ctx.cells(), values);
    }
}
