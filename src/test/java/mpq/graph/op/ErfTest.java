package mpq.graph.op;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** erf against reference values (Python math.erf, 16 digits), well within float32 precision on both sides of the switch. */
class ErfTest {
    @Test
    void matchesReferenceValues() {
        double[][] ref = {{0.0, 0.0}, {1e-4, 1.1283791633342487e-4}, {0.1, 0.1124629160182849}, {0.4999, 0.5204119951613866},
            {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149}, {2.0, 0.9953222650189527}, {3.0, 0.9999779095030014},
            {-1.5, -0.9661051464753108}, {10, 1.0}};
        for (double[] r : ref) {
            double got = Erf.erf(r[0]);
            assertEquals(r[1], got, Math.max(2e-7 * Math.abs(r[1]), 1e-12), "erf(" + r[0] + ")");
        }
    }
}
