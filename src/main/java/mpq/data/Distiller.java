package mpq.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Backprop;
import mpq.tensor.Adam;
import mpq.tensor.BatchStatistics;
import mpq.tensor.Tensor;

/**
 * ZeroQ's distilled data: model inputs made from the model alone. Inputs start as Gaussian noise and are optimised
 * with Adam so that, at every BatchNormalization, the batch mean and standard deviation of the BN input match the
 * layer's running mean and standard deviation, and the inputs themselves have per-channel mean 0 and standard
 * deviation 1 (the statistics of normalised training data). The loss is the sum over those layers of the mean squared
 * difference per channel.
 */
public final class Distiller {
    private Distiller() {}

    /**
     * @param count      inputs to distil
     * @param batch      inputs optimised together (their statistics are what is matched)
     * @param iterations Adam steps per batch
     * @param lr         Adam's initial learning rate; it decays linearly to lr/100
     */
    public record Settings(int count, int batch, int iterations, double lr, long seed) {
        public static Settings defaults(int count, long seed) {
            return new Settings(count, Math.min(count, 64), 500, 0.2, seed);
        }
    }

    /** The distilled inputs, the loss before and after (summed over batches), and the time it took. */
    public record Result(Batches data, double initialLoss, double finalLoss, double seconds) {}

    /** One BatchNormalization's input and the statistics it should have. */
    private record Target(String value, double[] mean, double[] std) {}

    private static final double EPS = 1e-5;

    public static Result distill(Graph model, String modelName, Settings s, int threads, Progress progress) {
        if (model.inputs().size() != 1) {
            throw new BadInputException(modelName + ": distillation needs a model with one input");
        }
        ValueInfo in = model.inputs().getFirst();
        int[] dims = in.dims();
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new BadInputException(modelName + ": input '" + in.name() + "' has unknown dimension " + i
                        + "; distillation needs the example shape");
            }
        }
        List<Target> targets = targets(model, modelName);
        List<Tensor> out = new ArrayList<>();
        double first = 0, last = 0;
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(s.seed());
        progress.start("distil", (long) s.iterations() * ((s.count() + s.batch() - 1) / s.batch()));
        try (Backprop bp = new Backprop(model, List.of(), true, threads)) {
            for (int done = 0; done < s.count(); done += s.batch()) {
                int n = Math.min(s.batch(), s.count() - done);
                int[] shape = dims.clone();
                shape[0] = n;
                Tensor x = Tensor.zeros(shape);
                for (int i = 0; i < x.size(); i++) {
                    x.data()[i] = (float) rnd.nextGaussian();
                }
                Adam adam = new Adam(s.lr());
                double loss = 0;
                for (int it = 0; it < s.iterations(); it++) {
                    adam.setLearningRate(s.lr() * (1 - 0.99 * it / Math.max(1, s.iterations() - 1)));
                    bp.forward(x);
                    Map<String, Tensor> seeds = new LinkedHashMap<>();
                    loss = 0;
                    for (Target t : targets) {
                        loss += match(bp.value(t.value()), t, seeds);
                    }
                    loss += match(x, new Target(in.name(), zeros(shape[1]), ones(shape[1])), seeds);
                    if (it == 0) {
                        first += loss;
                    }
                    bp.backward(seeds);
                    adam.step(List.of(x), List.of(bp.gradient(in.name())));
                    progress.advance(1);
                }
                last += loss;
                out.add(x);
            }
        } finally {
            progress.close();
        }
        return new Result(new Batches(out, "distilled from " + modelName), first, last, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The loss of one value's per-channel statistics against a target, mean over channels of (mean − μ)² + (std − σ)²;
     * its gradient is added to the seed for that value.
     */
    private static double match(Tensor v, Target t, Map<String, Tensor> seeds) {
        BatchStatistics st = BatchStatistics.of(v);
        int c = st.mean().length;
        double[] dMean = new double[c], dVar = new double[c];
        double loss = 0;
        for (int ch = 0; ch < c; ch++) {
            double std = Math.sqrt(st.variance()[ch] + EPS);
            double dm = st.mean()[ch] - t.mean()[ch], ds = std - t.std()[ch];
            loss += (dm * dm + ds * ds) / c;
            dMean[ch] = 2 * dm / c;
            dVar[ch] = 2 * ds / c / (2 * std);   // d std / d var = 1 / (2 std)
        }
        Tensor seed = seeds.computeIfAbsent(t.value(), k -> Tensor.zeros(v.shape()));
        st.backward(v, dMean, dVar, seed);
        return loss;
    }

    /** Every BatchNormalization with constant running statistics; none is an error that says why they are needed. */
    private static List<Target> targets(Graph g, String modelName) {
        List<Target> list = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.opType().equals("BatchNormalization")) {
                continue;
            }
            Tensor mean = g.weight(n.input(3)), var = g.weight(n.input(4));
            if (mean == null || var == null) {
                throw new BadInputException(modelName + ": BatchNormalization " + n.describe()
                        + " has no constant running mean and variance to distil data from");
            }
            double[] m = new double[mean.size()], sd = new double[var.size()];
            for (int c = 0; c < m.length; c++) {
                m[c] = mean.get(c);
                sd[c] = Math.sqrt(var.get(c) + EPS);
            }
            list.add(new Target(n.input(0), m, sd));
        }
        if (list.isEmpty()) {
            throw new BadInputException(modelName + ": the model has no BatchNormalization layers (they may have been "
                    + "folded into the convolutions); distillation matches their running statistics, so it needs the "
                    + "model with BatchNormalization kept (e.g. resnet20_cifar10_bn.onnx)");
        }
        return list;
    }

    private static double[] zeros(int n) {
        return new double[n];
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1.0);
        return a;
    }
}
