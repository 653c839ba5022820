package mpq.sensitivity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.quant.Bits;
import mpq.quant.Estimators;
import mpq.quant.QuantConfig;
import mpq.quant.Representations;
import mpq.quant.WeightLayer;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

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
 */
public final class CladoMetric implements SensitivityMetric {
    /** Calibration examples the losses are measured on. */
    static final int EXAMPLES = 256;

    @Override
    public String name() {
        return "clado";
    }

    @Override
    public double passes(SensitivityContext ctx) {
        int l = searched(ctx).size(), c = ctx.cells().size();
        double evaluations = 1 + (double) l * (c - 1) + l * (l - 1) / 2.0 * (c - 1) * (c - 1);
        return evaluations * Math.min(EXAMPLES, ctx.data().examples()) / Math.max(1, ctx.data().examples()) / 3;
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
            throw new BadInputException("clado measures weight bits at one activation width; give one --a-bits");
        }
        List<WeightLayer> layers = ctx.layers();
        List<Bits> cells = ctx.cells();
        int nc = cells.size(), top = widest(cells);
        List<Integer> searched = searched(ctx);
        LossChanges losses = new LossChanges(ctx, searched);
        double[][] single = new double[layers.size()][nc];
        int pairs = searched.size() * (searched.size() - 1) / 2 * (nc - 1) * (nc - 1);
        int singles = searched.size() * (nc - 1);
        progress.start("clado: " + singles + " single and " + pairs + " pair evaluations", (long) singles + pairs);
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
                for (int b = a + 1; b < searched.size(); b++) {
                    int m = searched.get(b);
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
        for (int a = 0; a < searched.size(); a++) {   // the pairs' losses less the singles': cross terms
            for (int b = a + 1; b < searched.size(); b++) {
                int l = searched.get(a), m = searched.get(b);
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
        }
        return projected(ctx, single, inter, searched, top);
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
        double max = 0;
        for (int a = 0; a < psd.length; a++) {
            max = Math.max(max, psd[a][a] / 2);
        }
        double tieBreak = (max > 0 ? max : 1) * 1e-9;
        for (int a = 0; a < psd.length; a++) {
            int[] p = index.get(a);
            values[p[0]][p[1]] = psd[a][a] / 2 + tieBreak * Math.max(0, cells.get(top).w() - cells.get(p[1]).w());
        }
        monotone(values, cells);
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

    /**
     * The network with the searched layers' weights as inputs, run from a layer on ({@link Graph#suffix}) on the
     * values the float network computes there (kept once per batch), so that one plan serves every evaluation that
     * starts at that layer: the loss change on the examples when some layers take quantized weights.
     */
    private static final class LossChanges implements AutoCloseable {
        private final SensitivityContext ctx;
        private final Graph whole;
        private final String logits;
        private final List<Map<String, Tensor>> batches = new ArrayList<>();
        private final List<Map<String, Tensor>> cached = new ArrayList<>();
        private final List<int[]> labels = new ArrayList<>();
        private final List<Tensor> reference = new ArrayList<>();
        private final Map<Integer, Tensor> floatWeights = new HashMap<>();
        private final Map<Integer, Tensor[]> quantized = new HashMap<>();
        private final Map<Integer, Integer> firstNode = new HashMap<>();
        private final double base;
        private Executor ex;
        private Graph suffix;

        LossChanges(SensitivityContext ctx, List<Integer> searched) {
            this.ctx = ctx;
            Graph g = ctx.graph();
            Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
            List<ValueInfo> inputs = new ArrayList<>(g.inputs());
            QuantConfig.LayerSpec spec = ctx.config().defaults();
            for (int l : searched) {
                WeightLayer layer = ctx.layers().get(l);
                Attributes.Constant w = init.remove(layer.weight());
                inputs.add(new ValueInfo(layer.weight(), w.type(), w.tensor().shape()));
                floatWeights.put(l, w.tensor());
                Tensor[] q = new Tensor[ctx.cells().size()];
                for (int k = 0; k < q.length; k++) {
                    q[k] = Representations.DEFAULT.weightParams(w.tensor(), spec.perChannel() ? layer.channelAxis() : -1,
                            ctx.cells().get(k).w(), Estimators.byName(spec.weightEstimator())).apply(w.tensor());
                }
                quantized.put(l, q);
                firstNode.put(l, g.nodes().indexOf(layer.node()));
            }
            whole = new Graph(g.name(), g.nodes(), inputs, g.outputs(), init, g.opset());
            logits = LossInput.of(whole);
            java.util.Set<String> keep = new java.util.HashSet<>(java.util.Set.of(logits));
            for (int l : searched) {
                keep.addAll(whole.readBefore(firstNode.get(l)));
            }
            String single = g.inputs().getFirst().name();
            int count = 0;
            for (int b = 0; b < ctx.data().batches() && count < EXAMPLES; b++) {
                Map<String, Tensor> batch = ctx.data().inputs(b, single);
                int n = Math.min(batch.values().iterator().next().dim(0), EXAMPLES - count);
                Map<String, Tensor> part = new HashMap<>();
                batch.forEach((k, v) -> part.put(k, v.slice0(0, n)));
                batches.add(part);
                if (ctx.data().hasLabels()) {
                    labels.add(java.util.Arrays.copyOf(ctx.data().labels(b), n));
                }
                count += n;
            }
            boolean kl = labels.isEmpty();
            double sum = 0;
            try (Executor full = new Executor(whole, ctx.threads(), keep)) {
                for (int b = 0; b < batches.size(); b++) {
                    Map<String, Tensor> in = new HashMap<>(batches.get(b));
                    floatWeights.forEach((l, w) -> in.put(ctx.layers().get(l).weight(), w));
                    full.run(in);
                    Map<String, Tensor> values = new HashMap<>();
                    for (String v : keep) {
                        if (!in.containsKey(v)) {
                            values.put(v, full.value(v).copy());
                        }
                    }
                    cached.add(values);
                    reference.add(values.get(logits));
                    sum += kl ? 0 : loss(b, values.get(logits));
                }
            }
            base = sum;
        }

        /** Evaluations from now on change layer l first (and perhaps later ones). */
        void from(int l) {
            close();
            Map<String, ValueInfo> declared = new HashMap<>();
            whole.inputs().forEach(v -> declared.put(v.name(), v));
            suffix = whole.suffix(firstNode.get(l), v -> {
                if (declared.containsKey(v)) {
                    return declared.get(v);
                }
                Tensor t = cached.getFirst().get(v);
                int[] dims = t.shape();
                if (dims.length > 0 && dims[0] == batches.getFirst().values().iterator().next().dim(0)) {
                    dims[0] = -1;   // batches differ in size
                }
                return new ValueInfo(v, t.type(), dims);
            });
            ex = new Executor(suffix, ctx.threads(), java.util.Set.of(logits));
        }

        /** L(quantized) − L(float), the layers in cells taking those cells (none before the one given to from). */
        double change(Map<Integer, Integer> cells) {
            double sum = 0;
            for (int b = 0; b < batches.size(); b++) {
                Map<String, Tensor> in = new HashMap<>();
                for (ValueInfo v : suffix.inputs()) {
                    Tensor t = batches.get(b).get(v.name());
                    in.put(v.name(), t != null ? t : cached.get(b).get(v.name()));
                }
                for (Map.Entry<Integer, Tensor> e : floatWeights.entrySet()) {   // the weights the suffix reads
                    String w = ctx.layers().get(e.getKey()).weight();
                    if (in.containsKey(w)) {
                        Integer k = cells.get(e.getKey());
                        in.put(w, k == null ? e.getValue() : quantized.get(e.getKey())[k]);
                    }
                }
                ex.run(in);
                sum += loss(b, ex.value(logits));
            }
            return (sum - base) / batches.size();
        }

        /** The batch's loss: cross-entropy with labels, else KL from the float outputs (mean per example). */
        private double loss(int b, Tensor y) {
            Tensor grad = Tensor.zeros(y.shape());
            return labels.isEmpty() ? Losses.klDivergence(y, reference.get(b), grad)
                    : Losses.crossEntropy(y, labels.get(b), grad);
        }

        @Override
        public void close() {
            if (ex != null) {
                ex.close();
                ex = null;
            }
        }
    }
}
