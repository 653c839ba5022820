package mpq.sensitivity;

import java.util.ArrayList;
import java.util.List;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.quant.Bits;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightLayer;

/**
 * What a sensitivity metric may use: the calibrated float model (BN folded, activation histograms observed), the
 * quantization settings (estimators, granularity, target), the candidate (weight bits, input activation bits) cells,
 * and how hard to work (threads, seed, tolerance and iteration cap of the Hessian estimators).
 */
public record SensitivityContext(PostTrainingQuantizer.Calibrated calibrated, QuantConfig config, List<Bits> cells,
                                 int threads, long seed, double tol, int maxIterations) {
    /**
     * The cells are kept as the target takes them (e.g. W8A8 → W7A8 on ort-x86), without repeats, so that metrics
     * measure the grids quantization will use.
     */
    public SensitivityContext {
        List<Bits> mapped = new ArrayList<>();
        for (Bits c : cells) {
            Bits m = new Bits(config.target().weightBits(c.w(), c.a()), c.a());
            if (!mapped.contains(m)) {
                mapped.add(m);
            }
        }
        if (mapped.isEmpty()) {
            throw new IllegalArgumentException("no candidate bit-widths");
        }
        cells = List.copyOf(mapped);
    }

    public Graph graph() {
        return calibrated.floatGraph();
    }

    public Batches data() {
        return calibrated.data();
    }

    public List<WeightLayer> layers() {
        return calibrated.targets().layers();
    }

    public List<String> layerNames() {
        return layers().stream().map(WeightLayer::name).toList();
    }

    /** True when the cells differ in activation bits, so that a metric must measure what activation bits cost. */
    public boolean mixedActivations() {
        return Bits.actWidths(cells).length > 1;
    }
}
