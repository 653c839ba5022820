package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;

/** Observes activations: one pass of the calibration batches through a graph, one histogram per watched value. */
public final class Calibration {
    private Calibration() {}

    /** Histograms of the named values over all calibration examples, in the order given. */
    public static Map<String, Histogram> observe(Graph g, List<String> values, Batches data, int threads,
                                                 Progress progress) {
        Map<String, Histogram> hist = new LinkedHashMap<>();
        for (String v : values) {
            hist.put(v, new Histogram());
        }
        List<Histogram> byIndex = new ArrayList<>(hist.values());
        progress.start("calibrate", data.examples());
        try (Executor ex = new Executor(g, threads, Set.copyOf(values))) {
            int chunk = data.list().isEmpty() ? 1 : ex.examplesWithin(data.list().getFirst().shape(), MEMORY.get());
            for (Tensor batch : data.list()) {
                for (Tensor part : chunks(batch, chunk)) {
                    ex.run(part);
                    // Histograms are independent: fill them in parallel, one value per work item.
                    ex.parallel().forEach(values.size(), (w, i) -> {
                        Tensor t = ex.value(values.get(i));
                        byIndex.get(i).add(t.data(), 0, t.size());
                    });
                    progress.advance(part.dim(0));
                }
            }
        } finally {
            progress.close();
        }
        return hist;
    }

    /** The memory a calibration pass may hold in activations: a quarter of the heap. */
    private static final java.util.function.Supplier<Long> MEMORY = () -> Runtime.getRuntime().maxMemory() / 4;

    /** The batch itself when it has at most n examples, else its consecutive pieces of n. */
    private static List<Tensor> chunks(Tensor batch, int n) {
        if (batch.dim(0) <= n) {
            return List.of(batch);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int from = 0; from < batch.dim(0); from += n) {
            parts.add(batch.slice0(from, Math.min(batch.dim(0), from + n)));
        }
        return parts;
    }

    /** Per-channel means of the named values over all calibration examples (channel = axis 1). */
    public static Map<String, double[]> channelMeans(Graph g, List<String> values, Batches data, int threads) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        long counted = 0;
        try (Executor ex = new Executor(g, threads, Set.copyOf(values))) {
            int chunk = data.list().isEmpty() ? 1 : ex.examplesWithin(data.list().getFirst().shape(), MEMORY.get());
            for (Tensor batch : data.list()) {
                for (Tensor part : chunks(batch, chunk)) {
                    ex.run(part);
                    for (String v : values) {
                        Tensor t = ex.value(v);
                        double[] s = sums.computeIfAbsent(v, k -> new double[t.rank() > 1 ? t.dim(1) : 1]);
                        addChannelSums(t, s);
                    }
                    counted += part.dim(0);
                }
            }
        }
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            for (int c = 0; c < s.length; c++) {
                s[c] /= counted;
            }
        }
        return sums;
    }

    /** Adds each channel's mean over the non-batch, non-channel axes, summed over the batch. */
    private static void addChannelSums(Tensor t, double[] sums) {
        int n = t.dim(0), c = sums.length;
        int inner = t.size() / Math.max(1, n * c);
        float[] d = t.data();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                int base = (i * c + ch) * inner;
                for (int k = 0; k < inner; k++) {
                    s += d[base + k];
                }
                sums[ch] += s / inner;
            }
        }
    }
}
