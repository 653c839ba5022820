package mpq.quant;

import java.util.List;
import mpq.base.Progress;
import mpq.graph.Graph;

/**
 * AdaRound and BRECQ as refiners: the same {@link Reconstruction}, on each layer alone or on the blocks
 * {@link ReconBlocks} finds, with the configuration's reconstruction settings.
 */
public final class ReconstructionRefiner implements Refiner {
    private final String name;
    private final boolean blocks;

    private ReconstructionRefiner(String name, boolean blocks) {
        this.name = name;
        this.blocks = blocks;
    }

    public static ReconstructionRefiner adaround() {
        return new ReconstructionRefiner(Refiners.ADAROUND, false);
    }

    public static ReconstructionRefiner brecq() {
        return new ReconstructionRefiner(Refiners.BRECQ, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QuantRecipe refine(PostTrainingQuantizer.Calibrated c, QuantRecipe recipe, QuantConfig cfg, int threads,
                              Progress progress) {
        Graph g = c.floatGraph();
        List<ReconBlocks.Block> units = blocks ? ReconBlocks.blocks(g, recipe) : ReconBlocks.layers(g, recipe);
        return Reconstruction.run(g, recipe, units, c.data(), cfg.reconstruction(), name, threads, progress);
    }
}
