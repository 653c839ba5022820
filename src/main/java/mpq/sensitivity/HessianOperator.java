package mpq.sensitivity;

import java.util.List;
import java.util.Map;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.graph.LossInput;
import mpq.graph.exec.Backprop;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * The loss of a model over calibration data — mean cross-entropy against the labels — as a function of a chosen set
 * of weights: its value, its gradient, and Hessian-vector products. Vectors are flat over the chosen weights in the
 * order given.
 *
 * <p>H·v is a central difference of gradients, (∇L(w + εv) − ∇L(w − εv)) / 2ε with ε = {@value #RELATIVE_STEP} ·
 * ‖w‖ / ‖v‖, taken with every piecewise-linear op (ReLU, MaxPool, Clip) frozen on the piece it chose at w. Frozen,
 * the loss is smooth in w, so the difference has an O(ε²) error and is the Hessian automatic differentiation
 * defines (ReLU'' = 0); unfrozen, a network of ReLUs puts kinks within ε of w and the difference is noise.
 * Gradients are float32 per batch and summed in double. The error against an explicitly formed Hessian is measured
 * in the tests. {@link #multiplyOnBatch} is the cheaper one-batch, one-sided form stochastic estimators use.
 */
public final class HessianOperator implements AutoCloseable {
    /** Step of the central difference relative to the weights' norm. */
    public static final double RELATIVE_STEP = 1e-3;

    private final Backprop backprop;
    private final Batches data;
    private final List<String> params;
    private final int dimension;
    private final String output;
    private long gradientPasses;
    private float[][] baseGradients;   // per batch, ∇L_b at the weights, for multiplyOnBatch
    private final double referenceNorm;

    /** @param params initializer names (e.g. one layer's weight, or every layer's) */
    public HessianOperator(Graph g, List<String> params, Batches data, int threads) {
        this(g, params, data, threads, 0);
    }

    /**
     * @param referenceNorm the norm differences are taken relative to, instead of the parameters' own (for offsets
     *                      that start at zero, e.g. perturbations of activations: the activations' norm); 0 = theirs
     */
    public HessianOperator(Graph g, List<String> params, Batches data, int threads, double referenceNorm) {
        if (!data.hasLabels()) {
            data.labels(0);   // throws the "needs labels" error
        }
        this.backprop = new Backprop(g, params, false, threads);
        this.data = data;
        this.params = List.copyOf(params);
        int n = 0;
        for (String p : params) {
            n += backprop.parameter(p).size();
        }
        this.dimension = n;
        this.output = LossInput.of(g);   // the logits, also for a model that ends in a Softmax
        this.referenceNorm = referenceNorm;
    }

    public int dimension() {
        return dimension;
    }

    /** Sizes of the chosen weights, in order: the blocks of every flat vector. */
    public int[] blockSizes() {
        int[] s = new int[params.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = backprop.parameter(params.get(i)).size();
        }
        return s;
    }

    /** Forward and backward passes run so far (each over all calibration data, or over one batch of it). */
    public long gradientPasses() {
        return gradientPasses;
    }

    /** The mean loss over the data; its gradient goes into grad (length {@link #dimension}). */
    public double lossAndGradient(double[] grad) {
        java.util.Arrays.fill(grad, 0);
        double loss = 0;
        for (int b = 0; b < data.list().size(); b++) {
            loss += batchGradient(backprop.forward(data.list().get(b)), b, grad);
        }
        gradientPasses++;
        return loss;
    }

    /**
     * Back-propagates batch b's share of the mean cross-entropy from its logits (the forward pass just run) and adds
     * the parameters' gradients to grad; returns the batch's share of the mean loss.
     */
    private double batchGradient(Tensor forwardOutput, int b, double[] grad) {
        Tensor logits = backprop.value(output);
        int total = data.examples();
        int n = logits.dim(0);
        Tensor dLogits = Tensor.zeros(logits.shape());
        double loss = Losses.crossEntropy(logits, data.labels(b), dLogits) * n / total;
        float[] d = dLogits.data();
        float share = (float) n / total;   // the batch mean → the mean over all examples
        for (int i = 0; i < dLogits.size(); i++) {
            d[i] *= share;
        }
        backprop.backward(Map.of(output, dLogits));
        int off = 0;
        for (String p : params) {
            Tensor g = backprop.gradient(p);
            int size = backprop.parameter(p).size();
            if (g != null) {
                float[] gd = g.data();
                for (int i = 0; i < size; i++) {
                    grad[off + i] += gd[i];
                }
            }
            off += size;
        }
        return loss;
    }

    /** H·v by a central difference of gradients (see the class comment). */
    public double[] multiply(double[] v) {
        return multiply(v, RELATIVE_STEP);
    }

    /** H·v with a given relative step (for measuring the step's effect). */
    public double[] multiply(double[] v, double relativeStep) {
        double vNorm = norm(v);
        double[] hv = new double[dimension];
        if (vNorm == 0) {
            return hv;
        }
        float[][] saved = savedWeights();
        double eps = step(saved, vNorm, relativeStep, referenceNorm);
        double[] plus = new double[dimension], minus = new double[dimension];
        try {
            for (int b = 0; b < data.list().size(); b++) {
                Tensor x = data.list().get(b);
                shift(saved, v, 0);
                backprop.forwardRecordingPieces(x);
                shift(saved, v, eps);
                batchGradient(backprop.forwardOnPieces(x), b, plus);
                shift(saved, v, -eps);
                batchGradient(backprop.forwardOnPieces(x), b, minus);
            }
        } finally {
            shift(saved, v, 0);
        }
        gradientPasses += 2;
        for (int i = 0; i < dimension; i++) {
            hv[i] = (plus[i] - minus[i]) / (2 * eps);
        }
        return hv;
    }

    /** Calibration batches, for {@link #multiplyOnBatch}. */
    public int batchCount() {
        return data.list().size();
    }

    /**
     * An estimate of H·v from batch b alone, for stochastic estimators that cycle through the batches: that batch's
     * share of H·v times the number of batches (averaged over the batches, the share sums to H·v), by a one-sided
     * difference (∇L_b(w + εv) − ∇L_b(w)) / ε with ∇L_b(w) computed once per batch and kept. A sample then costs one
     * batch's recording forward pass and one forward and backward pass. The one-sided difference's first-order error,
     * ε/2 · ∇³L[v, v], is odd in v: over Rademacher (or any symmetric) vectors it has mean zero, so Hutchinson's
     * estimate stays unbiased.
     */
    public double[] multiplyOnBatch(double[] v, int b) {
        double vNorm = norm(v);
        double[] hv = new double[dimension];
        if (vNorm == 0) {
            return hv;
        }
        if (baseGradients == null) {
            baseGradients = new float[batchCount()][];
        }
        Tensor x = data.list().get(b);
        if (baseGradients[b] == null) {
            double[] g = new double[dimension];
            batchGradient(backprop.forward(x), b, g);
            gradientPasses++;
            baseGradients[b] = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                baseGradients[b][i] = (float) g[i];   // one batch's float32 gradient: exact in float
            }
        }
        float[][] saved = savedWeights();
        double eps = step(saved, vNorm, RELATIVE_STEP, referenceNorm);
        double[] plus = new double[dimension];
        try {
            backprop.forwardRecordingPieces(x);
            shift(saved, v, eps);
            batchGradient(backprop.forwardOnPieces(x), b, plus);
        } finally {
            shift(saved, v, 0);
        }
        gradientPasses++;
        float[] base = baseGradients[b];
        double scale = batchCount() / eps;
        for (int i = 0; i < dimension; i++) {
            hv[i] = scale * (plus[i] - base[i]);
        }
        return hv;
    }

    /** The chosen weights as they are now. */
    private float[][] savedWeights() {
        float[][] saved = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Tensor w = backprop.parameter(params.get(i));
            saved[i] = java.util.Arrays.copyOf(w.data(), w.size());
        }
        return saved;
    }

    /** The difference step for a direction of norm vNorm: relativeStep · ‖w‖ (or the reference norm) / ‖v‖. */
    private static double step(float[][] saved, double vNorm, double relativeStep, double referenceNorm) {
        double wNorm = 0;
        for (float[] w : saved) {
            for (float x : w) {
                wNorm += (double) x * x;
            }
        }
        double norm = referenceNorm > 0 ? referenceNorm : Math.sqrt(wNorm);
        return relativeStep * Math.max(norm, 1e-3) / vNorm;
    }

    /** Sets the weights to saved + step·v. */
    private void shift(float[][] saved, double[] v, double step) {
        int off = 0;
        for (int i = 0; i < params.size(); i++) {
            float[] w = backprop.parameter(params.get(i)).data();
            for (int k = 0; k < saved[i].length; k++) {
                w[k] = (float) (saved[i][k] + step * v[off + k]);
            }
            off += saved[i].length;
        }
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void close() {
        backprop.close();
    }
}
