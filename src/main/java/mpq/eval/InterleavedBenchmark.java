package mpq.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import mpq.base.Progress;
import mpq.tensor.Tensor;

/**
 * Two engines timed on the same input, run after run in turn (so that both see the same machine load), after a
 * warm-up that also picks how many batches make one run of about the given seconds; medians of the runs.
 *
 * @param first,second images per second of each run
 */
public record InterleavedBenchmark(List<Double> first, List<Double> second) {
    public double firstMedian() {
        return median(first);
    }

    public double secondMedian() {
        return median(second);
    }

    public static InterleavedBenchmark run(InferenceEngine a, InferenceEngine b, Tensor x, int runs, double seconds,
                                           Progress progress) {
        return run(a, b, e -> e.run(x), x.dim(0), runs, seconds, progress);
    }

    /** The same for a model with several inputs, given by name (token ids and masks, say), batch examples each. */
    public static InterleavedBenchmark run(InferenceEngine a, InferenceEngine b, Map<String, Tensor> x, int batch, int runs,
                                           double seconds, Progress progress) {
        return run(a, b, e -> e.run(x), batch, runs, seconds, progress);
    }

    private static InterleavedBenchmark run(InferenceEngine a, InferenceEngine b, Consumer<InferenceEngine> oneBatch,
                                            int batch, int runs, double seconds, Progress progress) {
        int aIters = calibrate(a, oneBatch, seconds), bIters = calibrate(b, oneBatch, seconds);
        List<Double> ra = new ArrayList<>(), rb = new ArrayList<>();
        progress.start("bench", 2L * runs);
        try {
            for (int r = 0; r < runs; r++) {
                ra.add(timed(a, oneBatch, batch, aIters));
                progress.advance(1);
                rb.add(timed(b, oneBatch, batch, bIters));
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        return new InterleavedBenchmark(ra, rb);
    }

    /** Warms the engine up and picks how many batches make one run of about the given seconds. */
    private static int calibrate(InferenceEngine e, Consumer<InferenceEngine> oneBatch, double seconds) {
        long t0 = System.nanoTime();
        int n = 0;
        while (n < 3 || System.nanoTime() - t0 < 1e9 * Math.max(0.5, seconds)) {
            oneBatch.accept(e);
            n++;
        }
        double per = (System.nanoTime() - t0) / 1e9 / n;
        return (int) Math.max(1, Math.round(seconds / per));
    }

    private static double timed(InferenceEngine e, Consumer<InferenceEngine> oneBatch, int batch, int iters) {
        // A short pause between runs, so that neither engine is timed while the other's worker threads are
        // still winding down (OrtEngine also turns ONNX Runtime's spin-waiting off).
        try {
            Thread.sleep(200);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            oneBatch.accept(e);
        }
        return (double) iters * batch / ((System.nanoTime() - t0) / 1e9);
    }

    /** The median of some timings (the mean of the middle two for an even count). */
    public static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
