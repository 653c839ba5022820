package mpq.sensitivity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.quant.Bits;
import mpq.quant.ReconBlocks;
import mpq.quant.WeightLayer;

/**
 * CLADO's cross-layer sensitivities ({@code clado}): on up to 256 calibration examples, the loss change ΔL_i(b) with
 * only layer i's weights quantized at b bits, and ΔL_ij(b, b') with layers i and j quantized together (cross-entropy
 * with labels, else the KL divergence from the float model's outputs; measured changes below 0 count as 0). The
 * quadratic model ΔL ≈ Σ ΔL_i + Σ_{i<j} (ΔL_ij − ΔL_i − ΔL_j) has the matrix G (G_ii = 2 ΔL_i, G_ij the cross
 * terms), projected onto the PSD cone ({@link PsdProjection}), so that every allocation costs at least as much as
 * keeping all layers at their widest cell; the table holds G's diagonal halves as values and its cross terms as
 * interactions, for the iqp allocator (the ilp allocator reads the diagonal alone: CLADO's naive mode).
 *
 * <p>Measured relative to the widest cell: its value is 0, and neither it nor its pairs are measured (two layers at
 * 7 or 8 bits interact by little). Layers the search keeps at 8 bits (first and last) are not measured. Activations
 * stay float (weights only, as CLADO's reference measures), so the cells must share one activation width. The
 * measurements are L·(C − 1) single and L(L − 1)/2 · (C − 1)² pair evaluations, each of the network from the first
 * changed layer on (on the float network's values there, computed once): the default 6 weight widths of ResNet-20
 * make 153 × 25 pairs; fewer --bits make it quadratically cheaper. A negligible tie-break (10⁻⁹ of the largest value
 * per bit given up) makes "no budget" choose the widest cell everywhere, and a layer's value at fewer bits is raised
 * to its largest at more bits where noise put it below (adding to a PSD matrix's diagonal keeps it PSD).
 *
 * <p>BRECQ's block sensitivity ({@code brecq-block}) is the same measurement with pairs only within a block
 * ({@link ReconBlocks#blocks}: a residual block's convolutions), blocks taken as additive (the block-diagonal
 * approximation of the Hessian): for a block of two searched layers the singles and the pair are its loss change at
 * every combination of their bits; larger blocks get their pairs. Without cross-block terms there is nothing to
 * project: the cross terms are kept as measured (a pair's total is its measured change, at least 0).
 */
public final class CladoMetric implements SensitivityMetric {
    /** Calibration examples the losses are measured on. */
    static final int EXAMPLES = 256;

    private final boolean withinBlocks;

    private CladoMetric(boolean withinBlocks) {
        this.withinBlocks = withinBlocks;
    }

    /** CLADO: every pair of searched layers, projected onto the PSD cone. */
    public static CladoMetric clado() {
        return new CladoMetric(false);
    }

    /** BRECQ's block sensitivity: pairs within a block only. */
    public static CladoMetric brecqBlock() {
        return new CladoMetric(true);
    }

    @Override
    public String name() {
        return withinBlocks ? "brecq-block" : "clado";
    }

    @Override
    public double passes(SensitivityContext ctx) {
        List<Integer> l = searched(ctx);
        int c = ctx.cells().size(), pairs = pairs(ctx, l).size();
        double evaluations = 1 + (double) l.size() * (c - 1) + (double) pairs * (c - 1) * (c - 1);
        return evaluations * Math.min(EXAMPLES, ctx.data().examples()) / Math.max(1, ctx.data().examples()) / 3;
    }

    /** The pairs of searched layers (as indices into searched, a < b) whose joint change is measured. */
    private List<int[]> pairs(SensitivityContext ctx, List<Integer> searched) {
        Map<String, Integer> block = new java.util.HashMap<>();
        if (withinBlocks) {
            List<ReconBlocks.Block> blocks = ReconBlocks.blocks(ctx.graph(), ctx.layerNames());
            for (int b = 0; b < blocks.size(); b++) {
                for (String layer : blocks.get(b).layers()) {
                    block.put(layer, b);
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < searched.size(); a++) {
            for (int b = a + 1; b < searched.size(); b++) {
                if (!withinBlocks || block.get(ctx.layers().get(searched.get(a)).name())
                        .equals(block.get(ctx.layers().get(searched.get(b)).name()))) {
                    out.add(new int[] {a, b});
                }
            }
        }
        return out;
    }

    /** The layers whose bits the search chooses: all but the first and last when they are kept at 8 bits. */
    private static List<Integer> searched(SensitivityContext ctx) {
        List<Integer> out = new ArrayList<>();
        for (int l = 0; l < ctx.layers().size(); l++) {
            if (!(ctx.config().keepFirstLast() && ctx.calibrated().targets().isEdge(ctx.layers().get(l)))) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public SensitivityTable compute(SensitivityContext ctx, Progress progress) {
        if (ctx.mixedActivations()) {
            throw new BadInputException(name() + " measures weight bits at one activation width; give one --a-bits");
        }
        List<WeightLayer> layers = ctx.layers();
        List<Bits> cells = ctx.cells();
        int nc = cells.size(), top = widest(cells);
        List<Integer> searched = searched(ctx);
        LossChanges losses = new LossChanges(ctx, searched, EXAMPLES);
        double[][] single = new double[layers.size()][nc];
        List<int[]> measured = pairs(ctx, searched);
        int pairs = measured.size() * (nc - 1) * (nc - 1);
        int singles = searched.size() * (nc - 1);
        progress.start(name() + ": " + singles + " single and " + pairs + " pair evaluations",
                (long) singles + pairs);
        double[][] inter = new double[layers.size() * nc][layers.size() * nc];
        try (losses) {
            // Each layer's evaluations run from that layer on, on the float network's values there.
            for (int a = 0; a < searched.size(); a++) {
                int l = searched.get(a);
                losses.from(l);
                for (int k = 0; k < nc; k++) {
                    if (k != top) {   // the widest cell is the reference: its value is 0
                        single[l][k] = Math.max(0, losses.change(Map.of(l, k)));
                        progress.advance(1);
                    }
                }
                for (int[] pair : measured) {
                    if (pair[0] != a) {
                        continue;
                    }
                    int m = searched.get(pair[1]);
                    for (int k = 0; k < nc; k++) {
                        for (int j = 0; j < nc; j++) {
                            if (k != top && j != top) {
                                inter[l * nc + k][m * nc + j] = Math.max(0, losses.change(Map.of(l, k, m, j)));
                                progress.advance(1);
                            }
                        }
                    }
                }
            }
        } finally {
            progress.close();
        }
        for (int[] pair : measured) {   // the pairs' losses less the singles': cross terms
            int l = searched.get(pair[0]), m = searched.get(pair[1]);
            for (int k = 0; k < nc; k++) {
                for (int j = 0; j < nc; j++) {
                    if (k != top && j != top) {
                        double cross = inter[l * nc + k][m * nc + j] - single[l][k] - single[m][j];
                        inter[l * nc + k][m * nc + j] = cross;
                        inter[m * nc + j][l * nc + k] = cross;
                    }
                }
            }
        }
        return withinBlocks ? asMeasured(ctx, single, inter, top) : projected(ctx, single, inter, searched, top);
    }

    /** The singles as values (made monotone, with the tie-break) and the cross terms as measured. */
    private SensitivityTable asMeasured(SensitivityContext ctx, double[][] single, double[][] inter, int top) {
        double[][] values = new double[single.length][];
        for (int l = 0; l < single.length; l++) {
            values[l] = single[l].clone();
        }
        breakTiesAndMakeMonotone(values, java.util.stream.IntStream.range(0, values.length).boxed().toList(),
                ctx.cells(), top);
        return new SensitivityTable(name(), ctx.layerNames(), ctx.cells(), values, inter);
    }

    /** The quadratic model over the searched layers' non-widest cells, projected onto the PSD cone, as a table. */
    private SensitivityTable projected(SensitivityContext ctx, double[][] single, double[][] inter, List<Integer> searched,
                                       int top) {
        List<Bits> cells = ctx.cells();
        int nc = cells.size();
        List<int[]> index = new ArrayList<>();   // (layer, cell) of each row of G
        for (int l : searched) {
            for (int k = 0; k < nc; k++) {
                if (k != top) {
                    index.add(new int[] {l, k});
                }
            }
        }
        double[][] g = new double[index.size()][index.size()];
        for (int a = 0; a < g.length; a++) {
            int[] p = index.get(a);
            for (int b = 0; b < g.length; b++) {
                int[] q = index.get(b);
                g[a][b] = a == b ? 2 * single[p[0]][p[1]] : p[0] == q[0] ? 0 : inter[p[0] * nc + p[1]][q[0] * nc + q[1]];
            }
        }
        double[][] psd = PsdProjection.project(g);
        double[][] values = new double[single.length][nc];
        double[][] out = new double[single.length * nc][single.length * nc];
        for (int a = 0; a < psd.length; a++) {
            int[] p = index.get(a);
            values[p[0]][p[1]] = psd[a][a] / 2;
        }
        breakTiesAndMakeMonotone(values, searched, cells, top);
        for (int a = 0; a < psd.length; a++) {
            int[] p = index.get(a);
            for (int b = 0; b < psd.length; b++) {
                int[] q = index.get(b);
                if (p[0] != q[0]) {   // two cells of one layer never go together
                    out[p[0] * nc + p[1]][q[0] * nc + q[1]] = psd[a][b];
                }
            }
        }
        return new SensitivityTable(name(), ctx.layerNames(), cells, values, out);
    }

    /**
     * In the given rows, adds the tie-break (10⁻⁹ of the rows' largest value per bit given up against the widest
     * cell), then makes every row monotone.
     */
    private static void breakTiesAndMakeMonotone(double[][] values, List<Integer> rows, List<Bits> cells, int top) {
        double max = 0;
        for (int l : rows) {
            for (double v : values[l]) {
                max = Math.max(max, v);
            }
        }
        double tieBreak = (max > 0 ? max : 1) * 1e-9;
        for (int l : rows) {
            for (int k = 0; k < cells.size(); k++) {
                values[l][k] += tieBreak * Math.max(0, cells.get(top).w() - cells.get(k).w());
            }
        }
        monotone(values, cells);
    }

    /**
     * Fewer bits never look safer than more: each value is raised to the largest of the layer's wider cells (measured
     * losses are noisy; raising the diagonal of a PSD matrix keeps it PSD).
     */
    private static void monotone(double[][] values, List<Bits> cells) {
        for (double[] row : values) {
            for (int k = 0; k < cells.size(); k++) {
                for (int j = 0; j < cells.size(); j++) {
                    if (cells.get(j).w() > cells.get(k).w()) {
                        row[k] = Math.max(row[k], row[j]);
                    }
                }
            }
        }
    }

    private static int widest(List<Bits> cells) {
        int best = 0;
        for (int k = 1; k < cells.size(); k++) {
            if (cells.get(k).w() > cells.get(best).w()) {
                best = k;
            }
        }
        return best;
    }
}
