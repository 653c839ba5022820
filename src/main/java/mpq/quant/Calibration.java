package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
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
            for (Map<String, Tensor> part : parts(ex, g, data)) {
                ex.run(part);
                // Histograms are independent: fill them in parallel, one value per work item.
                int[] nonFinite = new int[values.size()];
                ex.parallel().forEach(values.size(), (w, i) -> {
                    Tensor t = ex.value(values.get(i));
                    try {
                        byIndex.get(i).add(t.data(), 0, t.size());
                    } catch (IllegalArgumentException e) {   // NaN or Inf: counted only when there are any
                        nonFinite[i] = t.nonFiniteCount();
                    }
                });
                refuseNonFinite(values, nonFinite);
                progress.advance(part.values().iterator().next().dim(0));
            }
        } finally {
            progress.close();
        }
        return hist;
    }

    /** The first value, in the order given, that took NaN or Inf: no range can be chosen for it. */
    private static void refuseNonFinite(List<String> values, int[] nonFinite) {
        for (int i = 0; i < nonFinite.length; i++) {
            if (nonFinite[i] > 0) {
                throw new BadInputException("calibration: value '" + values.get(i) + "' took " + nonFinite[i]
                        + " NaN or Inf values on the calibration data, so no range can be chosen for it "
                        + "(non-finite weights upstream, or data far outside what the model expects)");
            }
        }
    }

    /** The memory a calibration pass may hold in activations: a quarter of the heap. */
    private static final java.util.function.Supplier<Long> MEMORY = () -> Runtime.getRuntime().maxMemory() / 4;

    /**
     * The model inputs of every run: each batch, or for a single-input model whose kept activations would not fit
     * ({@link #MEMORY}) its consecutive pieces that do. Pieces are made as they are used.
     */
    private static Iterable<Map<String, Tensor>> parts(Executor ex, Graph g, Batches data) {
        String name = g.inputs().getFirst().name();
        int chunk = g.inputs().size() == 1 ? ex.examplesWithin(data.inputs(0, name).get(name).shape(), MEMORY.get())
                : Integer.MAX_VALUE;
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int b = 0; b < data.batches(); b++) {
            Map<String, Tensor> batch = data.inputs(b, name);
            int n = batch.values().iterator().next().dim(0);
            if (n <= chunk) {
                out.add(batch);
                continue;
            }
            for (int from = 0; from < n; from += chunk) {
                out.add(Map.of(name, batch.get(name).slice0(from, Math.min(n, from + chunk))));
            }
        }
        return out;
    }

    /**
     * Runs g over all of data (in pieces that fit), keeping the named values, and hands the executor and the piece's
     * inputs on after each.
     */
    static void passes(Graph g, Set<String> keep, Batches data, int threads,
                       java.util.function.BiConsumer<Executor, Map<String, Tensor>> each) {
        try (Executor ex = new Executor(g, threads, keep)) {
            for (Map<String, Tensor> part : parts(ex, g, data)) {
                ex.run(part);
                each.accept(ex, part);
            }
        }
    }

    /** Per-channel means of the named values over all calibration examples (channel = axis 1). */
    public static Map<String, double[]> channelMeans(Graph g, List<String> values, Batches data, int threads) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        long[] counted = {0};
        passes(g, Set.copyOf(values), data, threads, (ex, part) -> {
            for (String v : values) {
                Tensor t = ex.value(v);
                double[] s = sums.computeIfAbsent(v, k -> new double[t.rank() > 1 ? t.dim(1) : 1]);
                addChannelSums(t, s);
            }
            counted[0] += part.values().iterator().next().dim(0);
        });
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            for (int c = 0; c < s.length; c++) {
                s[c] /= counted[0];
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
