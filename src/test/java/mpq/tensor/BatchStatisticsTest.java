package mpq.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch statistics and their backward pass against central differences in double. */
class BatchStatisticsTest {
    @Test
    void statisticsAndTheirGradient() {
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = Tensor.zeros(3, 2, 4);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (r.nextDouble() * 4 - 1);
        }
        BatchStatistics s = BatchStatistics.of(x);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                double v = x.get((i * 2 + 1) * 4 + k);
                sum += v;
                sumSq += v * v;
            }
        }
        assertEquals(sum / 12, s.mean()[1], 1e-6);
        assertEquals(sumSq / 12 - (sum / 12) * (sum / 12), s.variance()[1], 1e-6);
        // L = Σ_c a_c·mean_c + b_c·(std_c − t_c)², the shape of ZeroQ's loss.
        double[] a = {0.3, -0.7}, b = {1.1, 0.4}, t = {0.5, 1.5};
        double[] dMean = a.clone(), dVar = new double[2];
        for (int c = 0; c < 2; c++) {
            double std = Math.sqrt(s.variance()[c]);
            dVar[c] = b[c] * 2 * (std - t[c]) / (2 * std);
        }
        Tensor dx = Tensor.zeros(x.shape());
        s.backward(x, dMean, dVar, dx);
        for (int e = 0; e < x.size(); e++) {
            float orig = x.data()[e];
            double h = 1e-3;
            x.data()[e] = (float) (orig + h);
            double plus = loss(BatchStatistics.of(x), a, b, t);
            x.data()[e] = (float) (orig - h);
            double minus = loss(BatchStatistics.of(x), a, b, t);
            x.data()[e] = orig;
            assertEquals((plus - minus) / (2 * h), dx.get(e), 1e-3, "element " + e);
        }
    }

    private static double loss(BatchStatistics s, double[] a, double[] b, double[] t) {
        double l = 0;
        for (int c = 0; c < 2; c++) {
            double d = Math.sqrt(s.variance()[c]) - t[c];
            l += a[c] * s.mean()[c] + b[c] * d * d;
        }
        return l;
    }
}
