package mpq.eval;

import java.util.ArrayList;
import java.util.List;
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
        int aIters = calibrate(a, x, seconds), bIters = calibrate(b, x, seconds);
        List<Double> ra = new ArrayList<>(), rb = new ArrayList<>();
        progress.start("bench", 2L * runs);
        try {
            for (int r = 0; r < runs; r++) {
                ra.add(timed(a, x, aIters));
                progress.advance(1);
                rb.add(timed(b, x, bIters));
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        return new InterleavedBenchmark(ra, rb);
    }

    /** Warms the engine up and picks how many batches make one run of about the given seconds. */
    private static int calibrate(InferenceEngine e, Tensor x, double seconds) {
        long t0 = System.nanoTime();
        int n = 0;
        while (n < 3 || System.nanoTime() - t0 < 1e9 * Math.max(0.5, seconds)) {
            e.run(x);
            n++;
        }
        double per = (System.nanoTime() - t0) / 1e9 / n;
        return (int) Math.max(1, Math.round(seconds / per));
    }

    private static double timed(InferenceEngine e, Tensor x, int iters) {
        // A short pause between runs, so that neither engine is timed while the other's worker threads are
        // still winding down (OrtEngine also turns ONNX Runtime's spin-waiting off).
        try {
            Thread.sleep(200);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            e.run(x);
        }
        return (double) iters * x.dim(0) / ((System.nanoTime() - t0) / 1e9);
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
