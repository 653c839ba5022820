package mpq.sensitivity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import mpq.quant.Bits;

/**
 * Spearman's rank correlation between two sensitivity tables of the same layers and (w, a) cells: do they order the
 * layers alike? (e.g. sensitivities from distilled and from real calibration data).
 *
 * @param perCell one correlation over the layers per cell
 * @param mean    their mean
 */
public record RankCorrelation(List<Bits> cells, double[] perCell, double mean) {
    public static RankCorrelation of(SensitivityTable a, SensitivityTable b) {
        if (!a.layers().equals(b.layers()) || !a.cells().equals(b.cells())) {
            throw new IllegalArgumentException("the tables must have the same layers and bit-widths");
        }
        int n = a.layers().size();
        double[] rho = new double[a.cells().size()];
        for (int k = 0; k < rho.length; k++) {
            double[] x = new double[n], y = new double[n];
            for (int l = 0; l < n; l++) {
                x[l] = a.value(l, k);
                y[l] = b.value(l, k);
            }
            rho[k] = pearson(ranks(x), ranks(y));
        }
        return new RankCorrelation(a.cells(), rho, Arrays.stream(rho).average().orElse(Double.NaN));
    }

    /** Ranks 1..n, ties sharing their mean rank. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0), my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
