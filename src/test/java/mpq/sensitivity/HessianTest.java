package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Hessian-vector products, the top eigenvalue and the trace against the Hessian of a tiny network (Gemm, Tanh, Gemm,
 * cross-entropy) formed explicitly: its own forward pass in double precision, second differences entry by entry.
 */
class HessianTest {
    private static final int N = 6, IN = 5, HID = 4, OUT = 3;
    private static final int P1 = HID * IN, P2 = OUT * HID;

    private final SplittableRandom rnd = new SplittableRandom(5);
    private final float[] x = random(N * IN, 1.0), w1 = random(P1, 0.8), b1 = random(HID, 0.3),
            w2 = random(P2, 0.8), b2 = random(OUT, 0.3);
    private final int[] labels = {0, 2, 1, 1, 0, 2};
    private String activation = "Tanh";

    private float[] random(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** Mean cross-entropy in double with weights p = [w1, w2] (biases fixed). */
    private double loss(double[] p) {
        double total = 0;
        for (int n = 0; n < N; n++) {
            double[] h = new double[HID];
            for (int j = 0; j < HID; j++) {
                double s = b1[j];
                for (int i = 0; i < IN; i++) {
                    s += p[j * IN + i] * x[n * IN + i];
                }
                h[j] = activation.equals("Tanh") ? Math.tanh(s) : Math.max(0, s);
            }
            double[] z = new double[OUT];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < OUT; k++) {
                double s = b2[k];
                for (int j = 0; j < HID; j++) {
                    s += p[P1 + k * HID + j] * h[j];
                }
                z[k] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            total += max + Math.log(sum) - z[labels[n]];
        }
        return total / N;
    }

    /** The explicit Hessian by central second differences in double. */
    private double[][] explicitHessian() {
        int d = P1 + P2;
        double[] p = new double[d];
        for (int i = 0; i < P1; i++) {
            p[i] = w1[i];
        }
        for (int i = 0; i < P2; i++) {
            p[P1 + i] = w2[i];
        }
        double h = 1e-4;
        double[][] hess = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double[] q = p.clone();
                q[i] += h;
                q[j] += h;
                double pp = loss(q);
                q[j] -= 2 * h;
                double pm = loss(q);
                q[i] -= 2 * h;
                double mm = loss(q);
                q[j] += 2 * h;
                double mp = loss(q);
                hess[i][j] = hess[j][i] = (pp - pm - mp + mm) / (4 * h * h);
            }
        }
        return hess;
    }

    private Graph graph() {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        init.put("w1", new Attributes.Constant(new Tensor(new int[] {HID, IN}, w1.clone()), DType.FLOAT));
        init.put("b1", new Attributes.Constant(new Tensor(new int[] {HID}, b1.clone()), DType.FLOAT));
        init.put("w2", new Attributes.Constant(new Tensor(new int[] {OUT, HID}, w2.clone()), DType.FLOAT));
        init.put("b2", new Attributes.Constant(new Tensor(new int[] {OUT}, b2.clone()), DType.FLOAT));
        Attributes t = new Attributes(Map.of("transB", 1L));
        List<Node> nodes = List.of(new Node("fc1", "Gemm", "", List.of("x", "w1", "b1"), List.of("a"), t),
                new Node("act", activation, "", List.of("a"), List.of("h"), Attributes.none()),
                new Node("fc2", "Gemm", "", List.of("h", "w2", "b2"), List.of("z"), t));
        return new Graph("mlp", nodes, List.of(new ValueInfo("x", DType.FLOAT, new int[] {-1, IN})),
                List.of(new ValueInfo("z", DType.FLOAT, new int[0])), init, 13);
    }

    private Batches data() {
        return new Batches(List.of(new Tensor(new int[] {N, IN}, x.clone())), List.of(labels.clone()), "tiny");
    }

    private static double[][] block(double[][] h, int from, int to) {
        double[][] b = new double[to - from][to - from];
        for (int i = from; i < to; i++) {
            for (int j = from; j < to; j++) {
                b[i - from][j - from] = h[i][j];
            }
        }
        return b;
    }

    private static double[] times(double[][] h, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                r[i] += h[i][j] * v[j];
            }
        }
        return r;
    }

    /** The eigenvalue of largest magnitude by many power steps in double. */
    private static double dominantEigenvalue(double[][] h) {
        double[] v = new double[h.length];
        java.util.Arrays.fill(v, 1);
        double lambda = 0;
        for (int it = 0; it < 5000; it++) {
            double[] hv = times(h, v);
            lambda = HessianOperator.dot(v, hv) / HessianOperator.dot(v, v);
            double n = HessianOperator.norm(hv);
            for (int i = 0; i < v.length; i++) {
                v[i] = hv[i] / n;
            }
        }
        return lambda;
    }

    @Test
    void hessianVectorProductMatchesTheExplicitHessian() {
        double[][] exact = explicitHessian();
        try (HessianOperator op = new HessianOperator(graph(), List.of("w1", "w2"), data(), 1)) {
            double worst = 0;
            for (int trial = 0; trial < 5; trial++) {
                double[] v = new double[P1 + P2];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextDouble() * 2 - 1;
                }
                double[] ours = op.multiply(v), want = times(exact, v);
                double err = 0;
                for (int i = 0; i < v.length; i++) {
                    err += (ours[i] - want[i]) * (ours[i] - want[i]);
                }
                worst = Math.max(worst, Math.sqrt(err) / HessianOperator.norm(want));
            }
            System.err.printf("HVP relative error against the explicit Hessian: %.2e%n", worst);
            assertTrue(worst < 5e-3, "relative error " + worst);
        }
    }

    /**
     * With ReLU the loss has kinks; the product runs on the pieces ReLU chose at w, so it is the Hessian of that
     * piece (what automatic differentiation gives), whatever the step. The explicit Hessian here uses steps far
     * smaller than the distance of any pre-activation from zero, so it stays on the same pieces.
     */
    @Test
    void reluNetworkProductIsThePiecewiseHessianAtAnyStep() {
        activation = "Relu";
        double[][] exact = explicitHessian();
        try (HessianOperator op = new HessianOperator(graph(), List.of("w1", "w2"), data(), 1)) {
            double[] v = new double[P1 + P2];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextDouble() * 2 - 1;
            }
            double[] want = times(exact, v);
            for (double step : new double[] {1e-1, 1e-2, 1e-3}) {
                double[] ours = op.multiply(v, step);
                double err = 0;
                for (int i = 0; i < v.length; i++) {
                    err += (ours[i] - want[i]) * (ours[i] - want[i]);
                }
                err = Math.sqrt(err) / HessianOperator.norm(want);
                System.err.printf("ReLU network, relative step %.0e: HVP relative error %.2e%n", step, err);
                assertTrue(err < 5e-3, "step " + step + ": relative error " + err);
            }
        }
    }

    @Test
    void topEigenvalueOfEachLayerWithinOnePercent() {
        double[][] exact = explicitHessian();
        double[][][] blocks = {block(exact, 0, P1), block(exact, P1, P1 + P2)};
        String[] layers = {"w1", "w2"};
        for (int l = 0; l < 2; l++) {
            double want = dominantEigenvalue(blocks[l]);
            try (HessianOperator op = new HessianOperator(graph(), List.of(layers[l]), data(), 1)) {
                PowerIteration.Result r = PowerIteration.topEigenvalue(op, 7, 1e-6, 500, Progress.NONE);
                System.err.printf("%s: top eigenvalue %.6f (explicit %.6f) after %d products%n", layers[l],
                        r.eigenvalue(), want, r.iterations());
                assertEquals(want, r.eigenvalue(), 0.01 * Math.abs(want), layers[l]);
            }
        }
    }

    /**
     * Hutchinson's estimate is random; with a Hessian this far from diagonal one sample varies by ~6× the trace, so
     * 1% on the true trace would take millions of samples. Two checks instead: on the very same Rademacher vectors
     * the estimate equals the explicit Hessian's within 1% (the products and the per-block bookkeeping are right),
     * and after 20,000 samples it lies within four standard errors of the true trace (the estimator is unbiased).
     */
    @Test
    void traceOfEachLayerAgainstTheExplicitHessian() {
        double[][] exact = explicitHessian();
        int d = P1 + P2, samples = 300;
        double[] onSameVectors = new double[2], want = new double[2];
        SplittableRandom r = new SplittableRandom(11);   // the sequence Hutchinson.traces(…, seed 11, …) draws
        for (int k = 0; k < samples; k++) {
            double[] v = new double[d];
            for (int i = 0; i < d; i++) {
                v[i] = r.nextBoolean() ? 1 : -1;
            }
            double[] hv = times(exact, v);
            for (int i = 0; i < d; i++) {
                onSameVectors[i < P1 ? 0 : 1] += v[i] * hv[i] / samples;
            }
        }
        for (int i = 0; i < d; i++) {
            want[i < P1 ? 0 : 1] += exact[i][i];
        }
        try (HessianOperator op = new HessianOperator(graph(), List.of("w1", "w2"), data(), 1)) {
            Hutchinson.Result few = Hutchinson.traces(op, 11, 0, samples, Progress.NONE);
            Hutchinson.Result many = Hutchinson.traces(op, 11, 0, 20_000, Progress.NONE);
            for (int b = 0; b < 2; b++) {
                System.err.printf("block %d: %d samples %.5f (explicit Hessian on the same vectors %.5f); %d samples "
                        + "%.5f ± %.5f (true trace %.5f)%n", b, samples, few.traces()[b], onSameVectors[b],
                        many.samples(), many.traces()[b], many.standardErrors()[b], want[b]);
                assertEquals(onSameVectors[b], few.traces()[b], 0.01 * Math.abs(onSameVectors[b]), "block " + b);
                assertTrue(Math.abs(many.traces()[b] - want[b]) < 4 * many.standardErrors()[b], "block " + b);
            }
        }
    }

    /**
     * The same examples split into batches of unequal size: the one-batch products (one-sided differences) average
     * to the full product (central differences) within the one-sided difference's O(ε) error.
     */
    @Test
    void oneBatchProductsAverageToTheFullProduct() {
        int first = N / 3;   // batches of N/3 and the rest
        float[] x1 = java.util.Arrays.copyOfRange(x, 0, first * IN), x2 = java.util.Arrays.copyOfRange(x, first * IN, N * IN);
        Batches split = new Batches(List.of(new Tensor(new int[] {first, IN}, x1), new Tensor(new int[] {N - first, IN}, x2)),
                List.of(java.util.Arrays.copyOfRange(labels, 0, first), java.util.Arrays.copyOfRange(labels, first, N)),
                "tiny, split");
        SplittableRandom r = new SplittableRandom(5);
        double[] v = new double[P1 + P2];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        try (HessianOperator whole = new HessianOperator(graph(), List.of("w1", "w2"), data(), 1);
             HessianOperator parts = new HessianOperator(graph(), List.of("w1", "w2"), split, 1)) {
            assertEquals(2, parts.batchCount());
            double[] full = whole.multiply(v), a = parts.multiplyOnBatch(v, 0), b = parts.multiplyOnBatch(v, 1);
            double norm = HessianOperator.norm(full);
            boolean batchesDiffer = false;
            for (int i = 0; i < v.length; i++) {
                assertEquals(full[i], (a[i] + b[i]) / 2, 1e-2 * norm, "component " + i);
                batchesDiffer |= Math.abs(a[i] - b[i]) > 1e-2 * norm;
            }
            assertTrue(batchesDiffer, "the two batches' estimates should differ (else the test shows nothing)");
        }
    }

    @Test
    void sameSeedSameNumbers() {
        try (HessianOperator op = new HessianOperator(graph(), List.of("w1"), data(), 1)) {
            double a = PowerIteration.topEigenvalue(op, 3, 1e-3, 50, Progress.NONE).eigenvalue();
            double b = PowerIteration.topEigenvalue(op, 3, 1e-3, 50, Progress.NONE).eigenvalue();
            assertEquals(a, b, 0.0);
            double t1 = Hutchinson.traces(op, 4, 1e-3, 50, Progress.NONE).traces()[0];
            double t2 = Hutchinson.traces(op, 4, 1e-3, 50, Progress.NONE).traces()[0];
            assertEquals(t1, t2, 0.0);
        }
    }
}
