package mpq.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.Progress;
import mpq.data.Batch;
import mpq.data.Dataset;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.eval.Evaluator;
import mpq.eval.MpqEngine;
import mpq.graph.Graph;
import mpq.graph.exec.Backprop;
import mpq.tensor.Losses;
import mpq.tensor.Sgd;
import mpq.tensor.Tensor;

/**
 * Mini-batch SGD with momentum and weight decay, a cosine learning-rate schedule, BatchNorm in training mode with
 * running statistics (momentum 0.1, unbiased variance), and cheap augmentation for small images: a random shift of
 * up to {@code shift} pixels (zero padding) and a random horizontal flip. Seeded: the same settings train the same
 * network bit for bit on the same number of threads.
 */
public final class Trainer {
    private Trainer() {}

    public record Settings(int epochs, int batch, double lr, double momentum, double weightDecay, int shift, long seed) {
        public static Settings defaults() {
            return new Settings(15, 128, 0.1, 0.9, 5e-4, 2, 0);
        }
    }

    /** The trained inference graph and the test top-1 after each epoch. */
    public record Result(Graph model, List<Double> testTop1, double seconds) {}

    private static final double BN_MOMENTUM = 0.1;

    /** Told the test top-1 after each epoch (1-based), e.g. to print it. */
    public interface EpochListener {
        void epochDone(int epoch, double testTop1, double seconds);
    }

    public static Result train(ExampleNet.Training net, Dataset train, Dataset test, Preprocess pre, Settings s,
                               int threads, Progress progress, EpochListener listener) {
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
        List<String> params = net.parameters();
        Sgd sgd = new Sgd(s.lr(), s.momentum(), s.weightDecay());
        int steps = train.size() / s.batch();
        List<Double> curve = new ArrayList<>();
        Graph model = null;
        try (Backprop bp = new Backprop(net.graph(), params, false, threads)) {
            List<Tensor> values = new ArrayList<>(), grads = new ArrayList<>();
            for (String p : params) {
                values.add(bp.parameter(p));
            }
            String output = net.graph().outputs().getFirst().name();
            for (int epoch = 0; epoch < s.epochs(); epoch++) {
                int[] order = permutation(train.size(), rnd);
                progress.start("epoch " + (epoch + 1) + "/" + s.epochs(), steps);
                for (int step = 0; step < steps; step++) {
                    double t = (epoch * steps + step) / (double) (s.epochs() * steps);
                    sgd.setLearningRate(Math.max(1e-6, s.lr() * 0.5 * (1 + Math.cos(Math.PI * t))));
                    Batch b = read(train, order, step * s.batch(), s.batch());
                    Tensor x = pre.apply(augment(b.inputs(), s.shift(), rnd));
                    Tensor logits = bp.forward(x);
                    Tensor grad = Tensor.zeros(logits.shape());
                    Losses.crossEntropy(logits, b.labels(), grad);
                    updateRunningStatistics(bp, net.batchNorms());
                    bp.backward(Map.of(output, grad));
                    grads.clear();
                    for (String p : params) {
                        grads.add(bp.gradient(p));
                    }
                    sgd.step(values, grads);
                    progress.advance(1);
                }
                progress.close();
                model = ExampleNet.inference(net.graph(), current(params, values), net.batchNorms());
                try (MpqEngine e = new MpqEngine(model, threads)) {
                    EvalResult r = Evaluator.evaluate(e, test, pre, 500, 0, Progress.NONE);
                    curve.add(r.top1());
                    listener.epochDone(epoch + 1, r.top1(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return new Result(model, curve, (System.nanoTime() - t0) / 1e9);
    }

    private static Map<String, Tensor> current(List<String> names, List<Tensor> values) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), values.get(i));
        }
        return m;
    }

    private static void updateRunningStatistics(Backprop bp, List<ExampleNet.BatchNormLayer> bns) {
        for (ExampleNet.BatchNormLayer l : bns) {
            float[] mean = bp.value(l.batchMean()).data(), var = bp.value(l.batchVar()).data();
            double m = (double) bp.value(l.input()).size() / l.runningMean().length;   // elements per channel
            double unbiased = m / Math.max(1, m - 1);
            float[] rm = l.runningMean(), rv = l.runningVar();
            for (int c = 0; c < rm.length; c++) {
                rm[c] = (float) ((1 - BN_MOMENTUM) * rm[c] + BN_MOMENTUM * mean[c]);
                rv[c] = (float) ((1 - BN_MOMENTUM) * rv[c] + BN_MOMENTUM * var[c] * unbiased);
            }
        }
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The examples order[from, from + n) as one batch. */
    private static Batch read(Dataset d, int[] order, int from, int n) {
        try {
            Batch first = d.read(order[from], order[from] + 1);
            int[] shape = first.inputs().shape();
            int item = first.inputs().size();
            shape[0] = n;
            Tensor x = Tensor.zeros(shape);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                Batch one = i == 0 ? first : d.read(order[from + i], order[from + i] + 1);
                System.arraycopy(one.inputs().data(), 0, x.data(), i * item, item);
                labels[i] = one.labels()[0];
            }
            return new Batch(x, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each image shifted by up to shift pixels in each direction (zeros come in) and flipped left–right at random. */
    static Tensor augment(Tensor x, int shift, SplittableRandom rnd) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor y = Tensor.zeros(x.shape());
        float[] src = x.data(), dst = y.data();
        for (int i = 0; i < n; i++) {
            int dy = rnd.nextInt(2 * shift + 1) - shift, dx = rnd.nextInt(2 * shift + 1) - shift;
            boolean flip = rnd.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * h * w;
                for (int r = 0; r < h; r++) {
                    int sr = r + dy;
                    if (sr < 0 || sr >= h) {
                        continue;
                    }
                    for (int col = 0; col < w; col++) {
                        int sc = (flip ? w - 1 - col : col) + dx;
                        if (sc >= 0 && sc < w) {
                            dst[base + r * w + col] = src[base + sr * w + sc];
                        }
                    }
                }
            }
        }
        return y;
    }
}
