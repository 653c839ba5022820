package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.exec.Backprop;
import mpq.graph.exec.Executor;
import mpq.graph.op.Ops;
import mpq.tensor.Adam;
import mpq.tensor.DType;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * Reconstruction (AdaRound per layer, BRECQ per block): unit by unit in graph order, learn the rounding of the unit's
 * weights ({@link AdaRound}) so that its output, computed from the partly quantized network's input to it, matches
 * the float network's output there; then learn the step sizes of the unit's activation quantizers narrower than 8
 * bits on the same loss (straight-through). The learned integers and steps go into the recipe.
 *
 * <p>Each unit's inputs (from the simulated network with the units before it done) and targets (from the float
 * network) are computed once for all calibration examples and kept; every iteration draws a random batch of them and
 * runs the unit's forward and backward pass only.
 */
public final class Reconstruction {
    private Reconstruction() {}

    /** What the loss weighs: plain squared error, or squared error weighted by the task loss's squared gradient. */
    public enum Loss {
        MSE("mse"), FISHER("fisher");

        public final String label;

        Loss(String label) {
            this.label = label;
        }

        public static Loss of(String s) {
            for (Loss l : values()) {
                if (l.label.equals(s)) {
                    return l;
                }
            }
            throw new BadInputException("--recon-loss '" + s + "': expected mse or fisher");
        }
    }

    /**
     * @param iterations    weight-rounding iterations per unit
     * @param batch         examples per iteration
     * @param lambda        weight of the rounding regulariser
     * @param loss          mse, or fisher (needs labels)
     * @param actIterations step-size iterations per unit with activations below 8 bits (0: keep the steps)
     * @param seed          seeds the batch draws: the same settings give the same recipe
     */
    public record Settings(int iterations, int batch, double lambda, Loss loss, int actIterations, long seed) {
        public static final int ITERATIONS = 2000, BATCH = 32, ACT_ITERATIONS = 1000;
        public static final double LAMBDA = 0.01;

        public Settings {
            require(iterations >= 1, "--recon-iters must be at least 1, got " + iterations);
            require(batch >= 1, "--recon-batch must be at least 1, got " + batch);
            require(lambda >= 0 && !Double.isInfinite(lambda), "--recon-lambda must be 0 or more, got " + lambda);
            require(actIterations >= 0, "--recon-act-iters must be 0 or more, got " + actIterations);
            java.util.Objects.requireNonNull(loss, "loss");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new BadInputException(message);
            }
        }

        public static Settings defaults() {
            return new Settings(ITERATIONS, BATCH, LAMBDA, Loss.MSE, ACT_ITERATIONS, 0);
        }
    }

    /**
     * Learning rates: Adam on the rounding variables (BRECQ's), and on the activation steps relative to their start
     * (BRECQ's 4e-4 is absolute; relative steps move every quantizer at the same pace whatever its scale).
     */
    private static final double LR_ROUNDING = 1e-3, LR_STEPS = 1e-3;
    /** The regulariser's β falls linearly from the first to the second after the first fifth of the iterations. */
    private static final double BETA_START = 20, BETA_END = 2, WARMUP = 0.2;

    /** Refines the recipe on units from {@link ReconBlocks}, in order. */
    public static QuantRecipe run(Graph floatGraph, QuantRecipe recipe, List<ReconBlocks.Block> units, Batches data,
                                  Settings s, String method, int threads, Progress progress) {
        if (s.loss() == Loss.FISHER && !data.hasLabels()) {
            throw new BadInputException("--recon-loss fisher needs labelled calibration data (it weighs the error by "
                    + "the gradient of the cross-entropy); these inputs have no labels: use --recon-loss mse");
        }
        QuantRecipe current = recipe;
        double total = 0;
        ReconBlocks.Block previous = null;
        Tensor inputs = null, targets = null;
        for (int u = 0; u < units.size(); u++) {
            ReconBlocks.Block b = units.get(u);
            String name = method + " " + (u + 1) + "/" + units.size();
            long t0 = System.nanoTime();
            Graph q = FakeQuantPass.apply(floatGraph, current);
            if (previous != null && previous.output().equals(b.input())) {
                // Blocks follow one another: this one's input is the last one's output, its float input the last
                // one's target; running one block on them replaces running the whole network up to here.
                inputs = through(ReconBlocks.region(q, previous, inputs), inputs, threads);
                targets = through(ReconBlocks.region(floatGraph, b, targets), targets, threads);
            } else {
                inputs = collect(q, b.input(), data, threads);
                targets = collect(floatGraph, b.output(), data, threads);
            }
            previous = b;
            Tensor weights = s.loss() == Loss.FISHER ? fisherWeights(floatGraph, b.output(), targets, data, threads)
                    : null;
            Unit unit = new Unit(b, inputs, targets, weights, s, new SplittableRandom(s.seed() * 1_000_003L + u));
            double[] w = unit.learnRounding(floatGraph, q, current, threads, progress, name);
            for (Map.Entry<String, int[]> e : unit.levels.entrySet()) {
                current = current.withWeightLevels(e.getKey(), e.getValue());
            }
            String acts = "";
            if (s.actIterations() > 0) {
                double[] a = unit.learnSteps(FakeQuantPass.apply(floatGraph, current), current, threads, progress, name);
                if (a != null) {
                    current = current.withActivations(unit.steps);
                    acts = String.format(Locale.ROOT, "; steps of %d activations: %.4g → %.4g", unit.steps.size(),
                            a[0], a[1]);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            total += seconds;
            progress.note(String.format(Locale.ROOT, "%s %s: loss %.4g rounded to nearest → %.4g learned "
                    + "(training: %.4g → %.4g), %.1f%% of weights rounded the other way%s (%.1f s; %.0f examples/s "
                    + "forward and backward)", name, b.describe(), w[0], w[1], w[3], w[4], 100 * w[2], acts, seconds,
                    w[5]));
        }
        progress.note(String.format(Locale.ROOT, "%s: %d units in %.1f s", method, units.size(), total));
        return current;
    }

    /** One unit's data and what was learned for it. */
    private static final class Unit {
        final ReconBlocks.Block block;
        final Tensor inputs, targets, weights;
        final Settings s;
        final SplittableRandom random;
        final int n, outItem, positions;
        final Map<String, int[]> levels = new LinkedHashMap<>();
        final Map<String, QuantParams> steps = new LinkedHashMap<>();

        Unit(ReconBlocks.Block block, Tensor inputs, Tensor targets, Tensor weights, Settings s,
             SplittableRandom random) {
            this.block = block;
            this.inputs = inputs;
            this.targets = targets;
            this.weights = weights;
            this.s = s;
            this.random = random;
            n = inputs.dim(0);
            outItem = targets.size() / n;
            int channels = targets.rank() > 1 ? targets.dim(1) : 1;
            positions = outItem / channels;
        }

        /**
         * Learns the rounding of the unit's layers. Returns the loss over all examples rounded to nearest and with the
         * learned rounding, the share of weights rounded the other way, the training loss at the start and end, and
         * the examples per second the iterations ran at (forward and backward).
         */
        double[] learnRounding(Graph floatGraph, Graph q, QuantRecipe recipe, int threads, Progress progress,
                               String name) {
            Graph region = ReconBlocks.region(q, block, inputs);
            List<QuantRecipe.LayerQuant> layers = block.layers().stream().map(recipe::layer).toList();
            List<String> params = layers.stream().map(QuantRecipe.LayerQuant::weight).toList();
            List<AdaRound> rounding = new ArrayList<>();
            for (QuantRecipe.LayerQuant l : layers) {
                rounding.add(new AdaRound(l.weightParams(), floatGraph.weight(l.weight())));
            }
            List<Tensor> vars = rounding.stream().map(AdaRound::variables).toList();
            List<Tensor> grads = vars.stream().map(v -> Tensor.zeros(v.shape())).toList();
            Adam adam = new Adam(LR_ROUNDING);
            LossEnds ends = new LossEnds(s.iterations());
            double hardLoss, nearestLoss, throughput;
            int warm = (int) (WARMUP * s.iterations());
            progress.start(name + " rounding", s.iterations());
            try (Backprop bp = new Backprop(region, params, false, threads)) {
                for (int l = 0; l < layers.size(); l++) {   // round to nearest, the starting point
                    QuantRecipe.LayerQuant lq = layers.get(l);
                    float[] near = recipe.quantizedWeight(lq, floatGraph.weight(lq.weight())).data();
                    System.arraycopy(near, 0, bp.parameter(params.get(l)).data(), 0, near.length);
                }
                nearestLoss = evaluate(bp);
                long start = System.nanoTime();
                for (int it = 0; it < s.iterations(); it++) {
                    for (int l = 0; l < layers.size(); l++) {
                        rounding.get(l).softWeights(bp.parameter(params.get(l)).data());
                    }
                    int[] pick = draw();
                    double loss = step(bp, pick);
                    boolean regularise = it >= warm;
                    double beta = regularise ? BETA_END + (BETA_START - BETA_END)
                            * (1 - (double) (it - warm) / Math.max(1, s.iterations() - warm)) : 0;
                    for (int l = 0; l < layers.size(); l++) {
                        rounding.get(l).gradient(bp.gradient(params.get(l)).data(), grads.get(l).data(),
                                regularise ? s.lambda() : 0, beta);
                    }
                    adam.step(vars, grads);
                    ends.add(it, loss);
                    progress.advance(1);
                }
                throughput = (double) s.iterations() * Math.min(s.batch(), n) / ((System.nanoTime() - start) / 1e9);
                for (int l = 0; l < layers.size(); l++) {   // the hard choice, as the recipe will hold it
                    QuantRecipe.LayerQuant lq = layers.get(l);
                    int[] chosen = rounding.get(l).levels();
                    levels.put(lq.name(), chosen);
                    float[] hard = lq.weightParams().dequantize(chosen, floatGraph.weight(lq.weight()).shape()).data();
                    System.arraycopy(hard, 0, bp.parameter(params.get(l)).data(), 0, hard.length);
                }
                hardLoss = evaluate(bp);
            } finally {
                progress.close();
            }
            long changed = 0, total = 0;
            for (QuantRecipe.LayerQuant lq : layers) {
                Tensor w = floatGraph.weight(lq.weight());
                changed += AdaRound.changed(lq.weightParams(), levels.get(lq.name()), w);
                total += w.size();
            }
            return new double[] {nearestLoss, hardLoss, (double) changed / total, ends.first(), ends.last(),
                    throughput};
        }

        /**
         * Learns the steps of the unit's activation quantizers below 8 bits; null when it has none. Returns the
         * loss at the start and the end.
         */
        double[] learnSteps(Graph q, QuantRecipe recipe, int threads, Progress progress, String name) {
            Graph region = ReconBlocks.region(q, block, inputs);
            Map<String, Attributes.Constant> init = new LinkedHashMap<>(region.initializers());
            Map<String, String> scaleOf = new LinkedHashMap<>();   // activation value → its scale parameter
            List<Node> nodes = new ArrayList<>();
            for (Node node : region.nodes()) {
                QuantRecipe.ActivationQuant a = node.opType().equals(Ops.FAKE_QUANT) ? recipe.activation(node.input(0))
                        : null;
                if (a == null || a.params().grid().bits() >= 8 || a.params().perChannel()) {
                    nodes.add(node);
                    continue;
                }
                String p = Names.fresh(node.output(0) + "_step", init::containsKey);
                init.put(p, new Attributes.Constant(new Tensor(new int[] {1}, new float[] {a.params().scale(0)}),
                        DType.FLOAT));
                scaleOf.put(a.value(), p);
                nodes.add(new Node(node.name(), node.opType(), node.domain(), List.of(node.input(0), p),
                        node.outputs(), node.attributes()));
            }
            if (scaleOf.isEmpty()) {
                return null;
            }
            Graph g = new Graph(region.name(), nodes, region.inputs(), region.outputs(), init, region.opset());
            List<String> params = List.copyOf(scaleOf.values());
            Adam adam = new Adam(LR_STEPS);
            LossEnds ends = new LossEnds(s.actIterations());
            progress.start(name + " steps", s.actIterations());
            try (Backprop bp = new Backprop(g, params, false, threads)) {
                // Adam moves each variable by about its learning rate per step whatever the gradient's size, so it
                // learns each step relative to its start, m = s / s0: the same relative pace for a step of 0.01 or 1.
                float[] start = new float[params.size()];
                List<Tensor> vars = new ArrayList<>(), grads = new ArrayList<>();
                for (int p = 0; p < params.size(); p++) {
                    start[p] = bp.parameter(params.get(p)).data()[0];
                    vars.add(new Tensor(new int[] {1}, new float[] {1}));
                    grads.add(Tensor.zeros(1));
                }
                for (int it = 0; it < s.actIterations(); it++) {
                    adam.setLearningRate(Math.max(1e-12, LR_STEPS * 0.5
                            * (1 + Math.cos(Math.PI * it / s.actIterations()))));
                    for (int p = 0; p < params.size(); p++) {
                        bp.parameter(params.get(p)).data()[0] = start[p] * vars.get(p).data()[0];
                    }
                    double loss = step(bp, draw());
                    for (int p = 0; p < params.size(); p++) {
                        Tensor gr = bp.gradient(params.get(p));
                        grads.get(p).data()[0] = gr == null ? 0 : gr.data()[0] * start[p];
                    }
                    adam.step(vars, grads);
                    for (Tensor v : vars) {   // a step stays positive
                        v.data()[0] = Math.max(v.data()[0], 1e-3f);
                    }
                    ends.add(it, loss);
                    progress.advance(1);
                }
                int p = 0;
                for (Map.Entry<String, String> e : scaleOf.entrySet()) {
                    QuantParams old = recipe.activation(e.getKey()).params();
                    float learned = start[p] * vars.get(p++).data()[0];
                    steps.put(e.getKey(), new QuantParams(old.grid(), old.symmetric(), new float[] {learned},
                            old.zeroPoints(), old.axis()));
                }
            } finally {
                progress.close();
            }
            return new double[] {ends.first(), ends.last()};
        }

        /** The mean loss over all examples, forward only, in batches of the settings' size. */
        double evaluate(Backprop bp) {
            double sum = 0;
            for (int from = 0; from < n; from += s.batch()) {
                int[] pick = new int[Math.min(s.batch(), n - from)];
                for (int i = 0; i < pick.length; i++) {
                    pick[i] = from + i;
                }
                sum += loss(bp, pick, false) * pick.length;
            }
            return sum / n;
        }

        /** A random batch of example indices (with replacement, as the reference draws them). */
        int[] draw() {
            int[] pick = new int[Math.min(s.batch(), n)];
            for (int i = 0; i < pick.length; i++) {
                pick[i] = random.nextInt(n);
            }
            return pick;
        }

        /** Forward and backward on the picked examples; returns the loss (Σ over channels, mean over the rest). */
        double step(Backprop bp, int[] pick) {
            return loss(bp, pick, true);
        }

        private double loss(Backprop bp, int[] pick, boolean backward) {
            int[] shape = inputs.shape();
            shape[0] = pick.length;
            Tensor x = Tensor.zeros(inputs.type(), shape, 0);
            for (int i = 0; i < pick.length; i++) {
                Tensor.copyItems(inputs, pick[i], x, i, 1);
            }
            Tensor y = bp.forward(x);
            Tensor grad = Tensor.zeros(y.shape());
            float[] yd = y.data(), t = targets.data(), gd = grad.data(), wd = weights == null ? null : weights.data();
            double loss = 0, norm = 1.0 / ((double) pick.length * positions);
            for (int i = 0; i < pick.length; i++) {
                int base = pick[i] * outItem, at = i * outItem;
                for (int k = 0; k < outItem; k++) {
                    double d = yd[at + k] - t[base + k];
                    double w = wd == null ? 1 : wd[base + k];
                    loss += w * d * d;
                    gd[at + k] = (float) (2 * w * d * norm);
                }
            }
            if (backward) {
                bp.backward(Map.of(block.output(), grad));
            }
            return loss * norm;
        }
    }

    /** The mean loss over the first and over the last tenth of the iterations (single batches are noisy). */
    private static final class LossEnds {
        private final int iterations, window;
        private double first, last;

        LossEnds(int iterations) {
            this.iterations = iterations;
            this.window = Math.max(1, iterations / 10);
        }

        void add(int it, double loss) {
            if (it < window) {
                first += loss / window;
            }
            if (it >= iterations - window) {
                last += loss / window;
            }
        }

        double first() {
            return first;
        }

        double last() {
            return last;
        }
    }

    /** A region's output for every item of its input, in pieces of {@link #PIECE} items. */
    static Tensor through(Graph region, Tensor items, int threads) {
        List<Tensor> pieces = new ArrayList<>();
        try (Executor ex = new Executor(region, threads)) {
            for (int from = 0; from < items.dim(0); from += PIECE) {
                pieces.add(ex.run(items.slice0(from, Math.min(items.dim(0), from + PIECE))).copy());
            }
        }
        return Tensor.concat0(pieces);
    }

    private static final int PIECE = 64;

    /** A value of g for every calibration example, batch after batch, as one tensor [examples, …]. */
    static Tensor collect(Graph g, String value, Batches data, int threads) {
        String input = g.inputs().getFirst().name();
        List<Tensor> pieces = new ArrayList<>();
        if (value.equals(input)) {
            for (int b = 0; b < data.batches(); b++) {
                pieces.add(data.inputs(b, input).get(input));
            }
            return Tensor.concat0(pieces);
        }
        try (Executor ex = new Executor(g.prefix(List.of(value)), threads, Set.of(value))) {
            for (int b = 0; b < data.batches(); b++) {
                ex.run(data.inputs(b, input));
                pieces.add(ex.value(value).copy());
            }
        }
        return Tensor.concat0(pieces);
    }

    /**
     * Per element of the float network's value at every example, the squared gradient of the cross-entropy there,
     * scaled to mean 1 so that λ keeps its meaning beside the plain squared error.
     */
    static Tensor fisherWeights(Graph floatGraph, String value, Tensor values, Batches data, int threads) {
        int[] dims = values.shape();
        dims[0] = -1;
        Graph rest = floatGraph.region(new mpq.graph.ValueInfo(value, DType.FLOAT, dims),
                List.of(floatGraph.outputs().getFirst().name()));
        Tensor out = Tensor.zeros(values.shape());
        int item = values.size() / values.dim(0), at = 0;
        double sum = 0;
        try (Backprop bp = new Backprop(rest, List.of(), true, threads)) {
            for (int b = 0; b < data.batches(); b++) {
                int[] labels = data.labels(b);
                Tensor x = values.slice0(at, at + labels.length);
                Tensor logits = bp.forward(x);
                Tensor grad = Tensor.zeros(logits.shape());
                Losses.crossEntropy(logits, labels, grad);
                bp.backward(Map.of(rest.outputs().getFirst().name(), grad));
                float[] g = bp.gradient(value).data(), o = out.data();
                for (int i = 0; i < labels.length * item; i++) {
                    double v = (double) g[i] * g[i];
                    o[at * item + i] = (float) v;
                    sum += v;
                }
                at += labels.length;
            }
        }
        float mean = (float) (sum / out.size());
        float[] o = out.data();
        for (int i = 0; i < out.size(); i++) {
            o[i] = mean > 0 ? o[i] / mean : 1;
        }
        return out;
    }
}
