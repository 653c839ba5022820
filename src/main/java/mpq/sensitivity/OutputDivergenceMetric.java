package mpq.sensitivity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.graph.Graph;
import mpq.graph.LossInput;
import mpq.graph.exec.Executor;
import mpq.quant.Bits;
import mpq.quant.FakeQuantPass;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.QuantRecipe;
import mpq.quant.WeightLayer;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * ZeroQ's sensitivity ({@code zeroq-kl}): quantize one layer alone — its weights and its input at a cell's bits —
 * and measure the mean KL divergence of the model's output distribution from the float
 * model's over the calibration data. {@code mse}: the same protocol, mean squared error of the outputs.
 */
public final class OutputDivergenceMetric implements SensitivityMetric {
    private final boolean kl;

    public OutputDivergenceMetric(boolean kl) {
        this.kl = kl;
    }

    @Override
    public String name() {
        return kl ? "zeroq-kl" : "mse";
    }

    /**
     * 2: the quantized graph rounds biases to their int32 grid (BiasQuant); 3: a model that ends in a Softmax is
     * compared at its logits ({@link LossInput}), not at the probabilities.
     */
    @Override
    public int version() {
        return 3;
    }

    @Override
    public double passes(SensitivityContext ctx) {
        return (1 + (double) ctx.layers().size() * ctx.cells().size()) / 3;   // forward passes only
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        Graph g = ctx.graph();
        List<Tensor> reference = new ArrayList<>();
        String logits = LossInput.of(g);
        try (Executor ex = new Executor(g, ctx.threads(), java.util.Set.of(logits))) {
            for (Tensor x : ctx.data().list()) {
                ex.run(x);
                reference.add(ex.value(logits).copy());
            }
        }
        List<WeightLayer> layers = ctx.layers();
        List<Bits> cells = ctx.cells();
        double[][] values = new double[layers.size()][cells.size()];
        progress.start(name(), (long) layers.size() * cells.size());
        try {
            for (int k = 0; k < cells.size(); k++) {
                // Every layer at the cell's bits, edges included; each layer's part is then taken alone.
                QuantConfig.LayerSpec d = ctx.config().defaults();
                QuantConfig all = new QuantConfig(new QuantConfig.LayerSpec(cells.get(k).w(), cells.get(k).a(),
                        d.perChannel(), d.weightEstimator(), d.actEstimator()), false, List.of(), List.of(),
                        ctx.config().target()).withSparq(ctx.config().sparq());
                QuantRecipe full = PostTrainingQuantizer.quantize(ctx.calibrated(), all, ctx.threads(), Progress.NONE)
                        .recipe();
                for (int l = 0; l < layers.size(); l++) {
                    QuantRecipe.LayerQuant lq = full.layer(layers.get(l).name());
                    QuantRecipe.ActivationQuant input = full.activation(lq.input());
                    QuantRecipe alone = new QuantRecipe(List.of(lq), input == null ? List.of() : List.of(input), Map.of(),
                            full.target(), List.of(), full.sparq());
                    values[l][k] = divergence(FakeQuantPass.apply(g, alone), ctx, reference);
                    progress.advance(1);
                }
            }
        } finally {
            progress.close();
        }
        return new SensitivityTable(name(), ctx.layerNames(), cells, values);
    }

    private double divergence(Graph q, SensitivityContext ctx, List<Tensor> reference) {
        double sum = 0;
        int count = 0;
        String logits = LossInput.of(q);
        try (Executor ex = new Executor(q, ctx.threads(), java.util.Set.of(logits))) {
            for (int b = 0; b < reference.size(); b++) {
                ex.run(ctx.data().list().get(b));
                Tensor y = ex.value(logits);
                Tensor grad = Tensor.zeros(y.shape());
                int n = y.dim(0);
                sum += n * (kl ? Losses.klDivergence(y, reference.get(b), grad)
                        : Losses.meanSquaredError(y, reference.get(b), grad));
                count += n;
            }
        }
        return sum / count;
    }
}
