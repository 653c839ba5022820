package mpq.sensitivity;

import java.util.List;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightLayer;

/**
 * What a sensitivity metric may use: the calibrated float model (BN folded, activation histograms observed), the
 * quantization settings (estimators, granularity, activation bits), the candidate weight bit-widths, and how hard to
 * work (threads, seed, tolerance and iteration cap of the Hessian estimators).
 */
public record SensitivityContext(PostTrainingQuantizer.Calibrated calibrated, QuantConfig config, int[] bits,
                                 int threads, long seed, double tol, int maxIterations) {
    /**
     * The candidate bits are kept as the target takes them (e.g. 8 → 7 on ort-x86 with 8-bit inputs), so that metrics
     * measure the grids quantization will use.
     */
    public SensitivityContext {
        bits = config.target().weightBitsOptions(bits, config.defaults().actBits());
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
}
