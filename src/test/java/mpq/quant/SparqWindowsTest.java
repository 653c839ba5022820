package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.tensor.DType;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * SPARQ's windows on every 8-bit level against the definition written out as bit ranges (METHODS.md): which window a
 * value takes, and its value truncated or rounded to nearest-even within the window; then the vSPARQ pairing of the
 * graph op.
 */
class SparqWindowsTest {
    /** The windows of each placement set at 4 bits of 8, as [high bit, low bit]. */
    private static final Map<SparqWindows.Placements, int[][]> WINDOWS = Map.of(
            SparqWindows.Placements.FIVE, new int[][] {{7, 4}, {6, 3}, {5, 2}, {4, 1}, {3, 0}},
            SparqWindows.Placements.THREE, new int[][] {{7, 4}, {5, 2}, {3, 0}},
            SparqWindows.Placements.TWO, new int[][] {{7, 4}, {3, 0}});

    /** The window a level takes, by the rules as stated: 5opt starts at the leading one; 3opt and 2opt by nibbles. */
    private static int[] windowOf(int q, SparqWindows.Placements set) {
        int lead = q == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(q);
        return switch (set) {
            case FIVE -> new int[] {Math.max(lead, 3), Math.max(lead, 3) - 3};
            case THREE -> (q & 0b1100_0000) != 0 ? new int[] {7, 4} : (q & 0b0011_0000) != 0 ? new int[] {5, 2}
                    : new int[] {3, 0};
            case TWO -> (q & 0xF0) != 0 ? new int[] {7, 4} : new int[] {3, 0};
        };
    }

    /**
     * The value within window [hi:lo]: floor keeps the window's bits; nearest is the closest value the window can
     * hold (multiples of 2^lo up to all window bits set), a tie going to the even one.
     */
    private static int definition(int q, int hi, int lo, SparqWindows.Rounding r) {
        int mask = ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1);
        if (r == SparqWindows.Rounding.FLOOR) {
            return q & mask;
        }
        int best = -1;
        for (int k = 0; k < 1 << (hi - lo + 1); k++) {
            int v = k << lo;
            int d = Math.abs(v - q), bd = best < 0 ? Integer.MAX_VALUE : Math.abs(best - q);
            if (d < bd || (d == bd && (k & 1) == 0)) {
                best = v;
            }
        }
        return best;
    }

    @Test
    void everyEightBitLevelTakesItsWindowAsDefined() {
        for (SparqWindows.Placements set : SparqWindows.Placements.values()) {
            for (SparqWindows.Rounding r : SparqWindows.Rounding.values()) {
                int[] table = new SparqWindows(4, set, r, true).table(8);
                assertEquals(256, table.length);
                for (int q = 0; q < 256; q++) {
                    int[] w = windowOf(q, set);
                    assertEquals(definition(q, w[0], w[1], r), table[q], set.label() + " " + r.label() + " level " + q);
                }
            }
        }
    }

    @Test
    void theWindowsAreTheListedOnesAtFourBitsAndKeepTheRuleAtOtherWidths() {
        for (var e : WINDOWS.entrySet()) {
            int[] shifts = SparqWindows.shifts(8, 4, e.getKey());
            int[] lows = java.util.Arrays.stream(e.getValue()).mapToInt(w -> w[1]).toArray();
            assertArrayEquals(lows, shifts, e.getKey().label());
        }
        assertArrayEquals(new int[] {5, 4, 3, 2, 1, 0}, SparqWindows.shifts(8, 3, SparqWindows.Placements.FIVE));
        assertArrayEquals(new int[] {5, 2, 0}, SparqWindows.shifts(8, 3, SparqWindows.Placements.THREE));
        assertArrayEquals(new int[] {5, 0}, SparqWindows.shifts(8, 3, SparqWindows.Placements.TWO));
        // 3-bit windows: the lowest allowed window that holds the leading one, against the same definition.
        for (SparqWindows.Rounding r : SparqWindows.Rounding.values()) {
            int[] table = new SparqWindows(3, SparqWindows.Placements.THREE, r, false).table(8);
            for (int q = 0; q < 256; q++) {
                int lo = q >= 1 << 5 ? 5 : q >= 1 << 3 ? 2 : 0;
                assertEquals(definition(q, lo + 2, lo, r), table[q], "3-bit 3opt " + r.label() + " level " + q);
            }
        }
    }

    @Test
    void aValueWithAZeroPartnerKeepsBothBudgets() {
        for (SparqWindows.Placements set : SparqWindows.Placements.values()) {
            int[] wide = new SparqWindows(4, set, SparqWindows.Rounding.FLOOR, true).pairTable(8);
            for (int q = 0; q < 256; q++) {
                assertEquals(q, wide[q], "8 bits of budget hold every 8-bit level exactly");
            }
        }
        int[] wide3 = new SparqWindows(3, SparqWindows.Placements.FIVE, SparqWindows.Rounding.FLOOR, true).pairTable(8);
        for (int q = 0; q < 256; q++) {
            int lead = q == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(q);
            int lo = Math.max(lead, 5) - 5;
            assertEquals(definition(q, lo + 5, lo, SparqWindows.Rounding.FLOOR), wide3[q], "6-bit window, level " + q);
        }
    }

    @Test
    void theGraphOpPairsAdjacentChannelsAtTheSamePosition() {
        SparqWindows w = new SparqWindows(4, SparqWindows.Placements.FIVE, SparqWindows.Rounding.NEAREST, true);
        // [1, 5 channels, 1, 2]: channels (0, 1) and (2, 3) are pairs, channel 4 has no partner.
        int[][] levels = {{0, 200}, {201, 0}, {201, 17}, {203, 0}, {201, 0}};
        float s = 0.05f;
        float[] x = new float[10];
        for (int c = 0; c < 5; c++) {
            for (int p = 0; p < 2; p++) {
                x[c * 2 + p] = levels[c][p] * s;
            }
        }
        int[][] paired = {{0, 200}, {201, 0}, {208, 17}, {208, 0}, {208, 0}};
        assertLevels(paired, run(w, x, s, 0), s);
        // One channel per group (a depthwise convolution): no channel shares a dot product, so none pairs.
        int[][] alone = {{0, 192}, {208, 0}, {208, 16}, {208, 0}, {208, 0}};   // 200 and 17 are ties: to even
        assertLevels(alone, run(w, x, s, 1), s);
        assertLevels(alone, run(new SparqWindows(4, SparqWindows.Placements.FIVE, SparqWindows.Rounding.NEAREST, false),
                x, s, 0), s);
    }

    private static void assertLevels(int[][] expected, float[] y, float s) {
        for (int c = 0; c < expected.length; c++) {
            for (int p = 0; p < 2; p++) {
                assertEquals(expected[c][p] * s, y[c * 2 + p], 0f,
                        "channel " + c + " position " + p);
            }
        }
    }

    private static float[] run(SparqWindows w, float[] x, float s, int groupChannels) {
        QuantParams p = QuantParams.of(new IntGrid(8, false), false, new Range(0, 255 * s));
        Graph g = new Graph("w", List.of(FakeQuantPass.windowNode("x", "y", p, w, 1, groupChannels)),
                List.of(new ValueInfo("x", DType.FLOAT, new int[] {1, 5, 1, 2})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[0])), Map.<String, Attributes.Constant>of(), 13);
        try (Executor ex = new Executor(g, 2)) {
            return ex.run(Tensor.of(new int[] {1, 5, 1, 2}, x)).data().clone();
        }
    }

    @Test
    void windowsApplyOnlyToUnsignedLevelsFromZeroWiderThanTheWindow() {
        SparqWindows w = SparqWindows.DEFAULT;
        org.junit.jupiter.api.Assertions.assertTrue(w.appliesTo(QuantParams.of(new IntGrid(8, false), false,
                new Range(0, 3))));
        org.junit.jupiter.api.Assertions.assertFalse(w.appliesTo(QuantParams.of(new IntGrid(8, false), false,
                new Range(-1, 3))), "a zero point above 0: the levels of negative values");
        org.junit.jupiter.api.Assertions.assertFalse(w.appliesTo(QuantParams.of(new IntGrid(4, false), false,
                new Range(0, 3))), "4-bit levels are already within a 4-bit window");
        assertThrows(BadInputException.class, () -> new SparqWindows(8, SparqWindows.Placements.FIVE,
                SparqWindows.Rounding.FLOOR, true));
    }
}
