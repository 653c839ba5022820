package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import mpq.quant.Bits;
import org.junit.jupiter.api.Test;

class RankCorrelationTest {
    private static SensitivityTable table(double[][] v) {
        return new SensitivityTable("t", List.of("a", "b", "c", "d"), Bits.cells(new int[] {2, 4}, new int[] {8}), v);
    }

    @Test
    void spearmanOfKnownOrders() {
        SensitivityTable a = table(new double[][] {{4, 1}, {3, 2}, {2, 3}, {1, 4}});
        // Same order at 2 bits (other values), reversed at 4 bits.
        SensitivityTable b = table(new double[][] {{40, 4}, {30, 3}, {20, 2}, {10, 1}});
        RankCorrelation r = RankCorrelation.of(a, b);
        assertEquals(1.0, r.perCell()[0], 1e-12);
        assertEquals(-1.0, r.perCell()[1], 1e-12);
        assertEquals(0.0, r.mean(), 1e-12);
        // One swap among four: 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60 = 0.8
        SensitivityTable c = table(new double[][] {{3, 1}, {4, 2}, {2, 3}, {1, 4}});
        assertEquals(0.8, RankCorrelation.of(a, c).perCell()[0], 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5, 3, 4}, mpq.tensor.RankStatistics.ranks(new double[] {5, 5, 7, 9}));
    }

    @Test
    void tablesSurviveTheirJson() {
        SensitivityTable a = table(new double[][] {{4, 1e-9}, {3, 2}, {2, 3}, {1, 4}});
        SensitivityTable back = SensitivityTable.fromJson(a.toJson());
        assertEquals(a.layers(), back.layers());
        assertEquals(a.cells(), back.cells());
        for (int l = 0; l < 4; l++) {
            assertArrayEquals(a.values()[l], back.values()[l]);
        }
    }
}
