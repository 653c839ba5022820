package mpq.sensitivity;

import java.util.Arrays;
import java.util.List;
import mpq.quant.Bits;
import mpq.tensor.RankStatistics;

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
            rho[k] = RankStatistics.spearman(x, y);
        }
        return new RankCorrelation(a.cells(), rho, Arrays.stream(rho).average().orElse(Double.NaN));
    }
}
