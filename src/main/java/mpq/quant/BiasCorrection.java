package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.tensor.Tensor;

/**
 * Empirical bias correction: quantization shifts the mean of a layer's output per channel; subtracting the shift
 * measured on calibration data (quantized model minus float model) from the bias removes it. Layers are corrected
 * one at a time in graph order, each measured with the corrections before it in place, so a shift is not corrected
 * twice downstream.
 */
public final class BiasCorrection implements Refiner {
    @Override
    public String name() {
        return Refiners.BIAS_CORRECTION;
    }

    @Override
    public QuantRecipe refine(PostTrainingQuantizer.Calibrated c, QuantRecipe recipe, QuantConfig cfg, int threads,
                              Progress progress) {
        return apply(c.floatGraph(), recipe, c.data(), threads, progress);
    }

    public static QuantRecipe apply(Graph g, QuantRecipe recipe, Batches data, int threads, Progress progress) {
        Map<String, WeightLayer> byName = new HashMap<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            byName.put(l.name(), l);
        }
        List<WeightLayer> layers = new ArrayList<>();
        for (QuantRecipe.LayerQuant lq : recipe.layers()) {
            WeightLayer l = byName.get(lq.name());
            if (l != null && !l.node().opType().equals("MatMul")) {   // MatMul has no bias to correct
                layers.add(l);
            }
        }
        List<String> outputs = layers.stream().map(WeightLayer::output).toList();
        Map<String, double[]> reference = Calibration.channelMeans(g, outputs, data, threads);
        QuantRecipe current = recipe;
        progress.start("bias correction", layers.size());
        try {
            for (WeightLayer l : layers) {
                // Only what computes this layer's output needs to run.
                Graph q = FakeQuantPass.apply(g, current).prefix(List.of(l.output()));
                double[] measured = Calibration.channelMeans(q, List.of(l.output()), data, threads).get(l.output());
                double[] want = reference.get(l.output());
                float[] bias = effectiveBias(g, l, current);
                if (measured.length != bias.length) {
                    progress.advance(1);
                    continue;   // output channels do not sit on axis 1 (e.g. a Conv feeding a Transpose): leave it
                }
                for (int c = 0; c < bias.length; c++) {
                    bias[c] -= (float) (measured[c] - want[c]);
                }
                current = current.withBias(l.name(), bias);
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        return current;
    }

    /** The bias the layer adds now (β·C for a Gemm), already-corrected values first, zeros when it has none. */
    private static float[] effectiveBias(Graph g, WeightLayer l, QuantRecipe recipe) {
        float[] corrected = recipe.biases().get(l.name());
        if (corrected != null) {
            return corrected.clone();
        }
        int channels = l.channels(g);
        Tensor b = l.bias().isEmpty() ? null : g.weight(l.bias());
        float[] out = new float[channels];
        if (b != null) {
            float beta = WeightLayer.biasScale(l.node());
            for (int c = 0; c < channels; c++) {
                out[c] = beta * b.get(c);
            }
        }
        return out;
    }
}
