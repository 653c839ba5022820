package mpq.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.graph.Graph;
import mpq.tensor.Tensor;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.PowellOptimizer;

/**
 * LAPQ, loss-aware post-training quantization, as a refiner: the clipping ranges of the quantizers narrower than 8
 * bits (every quantizer when none is) are optimised jointly on the task loss over fixed calibration examples.
 *
 * <ol>
 * <li>Lp initialisation: for each p on a grid from 2 to 4, every such quantizer takes the range that minimises the
 *     mean |x − Q(x)|^p of its own values ({@link LpEstimator}); the loss of the network at each p is measured, a
 *     quadratic in p fitted, and its vertex p* taken (or the best grid point, when that measures lower).</li>
 * <li>Powell's derivative-free method (Hipparchus) over one multiplier of each quantizer's scales: a weight's
 *     per-channel scales move together, zero points stay; a fixed number of sweeps.</li>
 * </ol>
 * The objective ({@link LapqLoss}) is the cross-entropy with the labels, or KL from the float model's outputs for
 * unlabelled data. Layers whose rounding a refiner already learned keep their weights. The examples are the
 * calibration data's: training data, never the data the model is evaluated on (LAPQ's reference code calibrates on
 * the validation set).
 */
public final class Lapq implements Refiner {
    /** What the loss compares the quantized network's outputs with. */
    public enum Loss {
        AUTO("auto"), CE("ce"), KL("kl");

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
            throw new BadInputException("--lapq-loss '" + s + "': expected ce (cross-entropy with the labels), kl "
                    + "(to the float model's outputs) or auto (ce when the calibration data has labels)");
        }
    }

    /**
     * @param loss     ce, kl, or auto (ce with labels, else kl)
     * @param sweeps   Powell sweeps (each a line search along every direction)
     * @param examples calibration examples the loss is measured on (the first ones)
     */
    public record Settings(Loss loss, int sweeps, int examples) {
        public static final int SWEEPS = 1, EXAMPLES = 512;

        public Settings {
            java.util.Objects.requireNonNull(loss, "loss");
            if (sweeps < 0) {
                throw new BadInputException("--lapq-sweeps must be 0 or more, got " + sweeps);
            }
            if (examples < 1) {
                throw new BadInputException("--lapq-examples must be at least 1, got " + examples);
            }
        }

        public static Settings defaults() {
            return new Settings(Loss.AUTO, SWEEPS, EXAMPLES);
        }
    }

    /** The norms' powers the initialisation tries (the reference's grid: 10 values from 2 to 4). */
    static final double[] POWERS = {2, 2 + 2.0 / 9, 2 + 4.0 / 9, 2 + 6.0 / 9, 2 + 8.0 / 9, 2 + 10.0 / 9,
        2 + 12.0 / 9, 2 + 14.0 / 9, 2 + 16.0 / 9, 4};
    /** Powell works on log-multipliers in these units: a unit step changes a scale by about 10%. */
    private static final double STEP = 0.1;
    /** Line searches stop when the step is known within this (0.5% of a scale). */
    private static final double LINE_TOLERANCE = 0.05;

    @Override
    public String name() {
        return Refiners.LAPQ;
    }

    @Override
    public QuantRecipe refine(PostTrainingQuantizer.Calibrated c, QuantRecipe recipe, QuantConfig cfg, int threads,
                              Progress progress) {
        Settings s = cfg.lapq();
        boolean kl = switch (s.loss()) {
            case KL -> true;
            case CE -> {
                if (!c.data().hasLabels()) {
                    throw new BadInputException("--lapq-loss ce needs labelled calibration data; these inputs ("
                            + c.data().source() + ") have none: use --lapq-loss kl");
                }
                yield false;
            }
            case AUTO -> !c.data().hasLabels();
        };
        long t0 = System.nanoTime();
        Graph g = c.floatGraph();
        List<LapqLoss.Quantizer> qs = quantizers(recipe);
        LapqLoss.Examples ex = LapqLoss.Examples.of(g, c.data(), s.examples(), kl, threads);
        progress.note(String.format(Locale.ROOT, "lapq: %d quantizers, loss %s on %d calibration examples",
                qs.size(), kl ? "KL to the float outputs" : "cross-entropy", ex.count()));

        double[] ones = new double[qs.size()];
        Arrays.fill(ones, 1);
        double start;
        try (LapqLoss l = new LapqLoss(g, recipe, qs, ex, threads)) {
            start = l.at(ones);
        }
        Measured init = lpInitialisation(g, recipe, qs, ex, cfg, c.histograms(), threads, progress);
        QuantRecipe refined;
        try (LapqLoss loss = new LapqLoss(g, init.recipe(), qs, ex, threads)) {
            Best best = powell(loss, ones, init.loss(), s.sweeps(), progress);
            refined = loss.recipeAt(best.multipliers());
            progress.note(String.format(Locale.ROOT, "lapq: loss %.4f with the estimator's ranges, %.4f after the Lp "
                    + "initialisation, %.4f after %d Powell sweep(s) (%d evaluations); %.1f s", start, init.loss(),
                    best.loss(), s.sweeps(), loss.evaluations(), (System.nanoTime() - t0) / 1e9));
        }
        return refined;
    }

    /** The quantizers below 8 bits (all, when none is), weights of layers with learned rounding left out. */
    static List<LapqLoss.Quantizer> quantizers(QuantRecipe r) {
        for (boolean narrowOnly : new boolean[] {true, false}) {
            List<LapqLoss.Quantizer> out = new ArrayList<>();
            for (QuantRecipe.LayerQuant l : r.layers()) {
                if (!r.weightLevels().containsKey(l.name()) && (!narrowOnly || l.weightParams().grid().bits() < 8)) {
                    out.add(new LapqLoss.Quantizer(l.name(), true));
                }
            }
            for (QuantRecipe.ActivationQuant a : r.activations()) {
                if (!narrowOnly || a.params().grid().bits() < 8) {
                    out.add(new LapqLoss.Quantizer(a.value(), false));
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        throw new BadInputException("--refine lapq: the recipe has no quantizer whose range it could optimise");
    }

    /** A recipe and its loss on the examples. */
    private record Measured(QuantRecipe recipe, double loss) {}

    /** Step 1: the recipe with every quantizer's range from the Lp norm whose p the loss prefers. */
    private static Measured lpInitialisation(Graph g, QuantRecipe recipe, List<LapqLoss.Quantizer> qs,
                                                LapqLoss.Examples ex, QuantConfig cfg, Map<String, Histogram> hist,
                                                int threads, Progress progress) {
        double[] ones = new double[qs.size()];
        Arrays.fill(ones, 1);
        double[] losses = new double[POWERS.length];
        QuantRecipe[] recipes = new QuantRecipe[POWERS.length];
        progress.start("lapq Lp initialisation", POWERS.length);
        try {
            for (int k = 0; k < POWERS.length; k++) {
                recipes[k] = withLp(g, recipe, qs, cfg, hist, POWERS[k]);
                try (LapqLoss l = new LapqLoss(g, recipes[k], qs, ex, threads)) {
                    losses[k] = l.at(ones);
                }
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        int bestK = 0;
        for (int k = 1; k < POWERS.length; k++) {
            if (losses[k] < losses[bestK]) {
                bestK = k;
            }
        }
        double vertex = quadraticVertex(POWERS, losses);
        double p = POWERS[bestK], pLoss = losses[bestK];
        QuantRecipe chosen = recipes[bestK];
        String how = "the best grid point";
        if (vertex >= POWERS[0] && vertex <= POWERS[POWERS.length - 1]) {
            double vLoss;
            QuantRecipe atVertex = withLp(g, recipe, qs, cfg, hist, vertex);
            try (LapqLoss l = new LapqLoss(g, atVertex, qs, ex, threads)) {
                vLoss = l.at(ones);
            }
            if (vLoss <= pLoss) {
                p = vertex;
                pLoss = vLoss;
                chosen = atVertex;
                how = "the quadratic fit's vertex";
            }
        }
        StringBuilder table = new StringBuilder();
        for (int k = 0; k < POWERS.length; k++) {
            table.append(String.format(Locale.ROOT, " %.2f:%.4f", POWERS[k], losses[k]));
        }
        progress.note(String.format(Locale.ROOT, "lapq: loss by p%s; p* = %.3f (%s), loss %.4f", table, p, how, pLoss));
        return new Measured(chosen, pLoss);
    }

    /** The vertex of the least-squares parabola through (x, y), or NaN when it opens downwards or is flat. */
    static double quadraticVertex(double[] x, double[] y) {
        // Normal equations of y ≈ a x² + b x + c, on x centred for conditioning.
        double mean = Arrays.stream(x).average().orElse(0);
        double[][] m = new double[3][4];
        for (int k = 0; k < x.length; k++) {
            double u = x[k] - mean;
            double[] row = {u * u, u, 1};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    m[i][j] += row[i] * row[j];
                }
                m[i][3] += row[i] * y[k];
            }
        }
        for (int col = 0; col < 3; col++) {   // Gauss–Jordan with partial pivoting
            int piv = col;
            for (int r = col + 1; r < 3; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            double[] t = m[col];
            m[col] = m[piv];
            m[piv] = t;
            if (m[col][col] == 0) {
                return Double.NaN;
            }
            for (int r = 0; r < 3; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int j = col; j < 4; j++) {
                        m[r][j] -= f * m[col][j];
                    }
                }
            }
        }
        double a = m[0][3] / m[0][0], b = m[1][3] / m[1][1];
        return a > 0 ? mean - b / (2 * a) : Double.NaN;
    }

    /** The recipe with the quantizers' ranges from the Lp estimator (their grids and granularity kept). */
    private static QuantRecipe withLp(Graph g, QuantRecipe recipe, List<LapqLoss.Quantizer> qs, QuantConfig cfg,
                                      Map<String, Histogram> hist, double p) {
        LpEstimator lp = new LpEstimator(p);
        Map<String, QuantParams> weights = new LinkedHashMap<>(), acts = new LinkedHashMap<>();
        for (LapqLoss.Quantizer z : qs) {
            if (z.weight()) {
                QuantRecipe.LayerQuant l = recipe.layer(z.name());
                Tensor w = g.weight(l.weight());
                weights.put(z.name(), cfg.representation().weightParams(w, l.weightParams().axis(),
                        l.weightParams().grid().bits(), lp));
            } else {
                QuantParams old = recipe.activation(z.name()).params();
                acts.put(z.name(), cfg.representation().activationParams(hist.get(z.name()), old.grid().bits(), lp));
            }
        }
        return recipe.withWeightParams(weights).withActivations(acts);
    }

    /** Evaluations between two progress lines of the Powell search (its length is not known in advance). */
    private static final int REPORT_EVERY = 50;

    /** Multipliers of the quantizers' scales and the loss there. */
    private record Best(double[] multipliers, double loss) {}

    /** Step 2: Powell over log-multipliers; the best multipliers any evaluation saw (the start, initLoss, counts). */
    private static Best powell(LapqLoss loss, double[] ones, double initLoss, int sweeps, Progress progress) {
        int n = ones.length;
        double[] best = ones.clone();
        if (sweeps == 0) {
            return new Best(best, initLoss);
        }
        double[] bestLoss = {initLoss};
        int[] sweep = {1};
        long t0 = System.nanoTime();
        PowellOptimizer opt = new PowellOptimizer(1e-6, 1e-9, 1e-3, LINE_TOLERANCE, (iteration, previous, current) -> {
            sweep[0] = iteration + 1;
            return iteration >= sweeps;
        });
        ObjectiveFunction f = new ObjectiveFunction(x -> {
            double[] m = new double[n];
            for (int i = 0; i < n; i++) {
                m[i] = Math.exp(STEP * x[i]);
            }
            double v = loss.at(m);
            if (v < bestLoss[0]) {
                bestLoss[0] = v;
                System.arraycopy(m, 0, best, 0, n);
            }
            if (loss.evaluations() % REPORT_EVERY == 0) {
                progress.note(String.format(Locale.ROOT, "lapq Powell: sweep %d/%d, %d evaluations, best loss %.4f "
                        + "(%.1f s)", Math.min(sweep[0], sweeps), sweeps, loss.evaluations(), bestLoss[0],
                        (System.nanoTime() - t0) / 1e9));
            }
            return v;
        });
        opt.optimize(new MaxEval(Integer.MAX_VALUE), f, GoalType.MINIMIZE, new InitialGuess(new double[n]));
        return new Best(best, bestLoss[0]);
    }
}
