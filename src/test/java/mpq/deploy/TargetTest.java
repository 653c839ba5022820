package mpq.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The weight bits a target allows are exactly those whose pairs of uint8 × int8 products fit its accumulator. */
class TargetTest {
    /** The largest |a1·w1 + a2·w2| with a on the unsigned a-bit grid and w on the signed w-bit grid. */
    private static long largestPair(int w, int a) {
        return 2L * ((1L << a) - 1) * (1L << (w - 1));
    }

    @Test
    void ortX86GivesTheWidestWeightsWhosePairsFitInt16() {
        for (int a = 2; a <= 8; a++) {
            for (int w = 2; w <= 8; w++) {
                int got = Targets.ORT_X86.weightBits(w, a);
                assertTrue(got <= w, "never more than asked");
                assertTrue(largestPair(got, a) <= Short.MAX_VALUE, "W" + got + "A" + a + " fits int16 pairs");
                assertTrue(got == w || largestPair(got + 1, a) > Short.MAX_VALUE, "W" + got + "A" + a + " is the widest");
            }
        }
        assertEquals(7, Targets.ORT_X86.weightBits(8, 8));
        assertEquals(8, Targets.ORT_X86.weightBits(8, 7));
        assertEquals(16, Targets.ORT_X86.weightBits(16, 8), "16-bit weights run in float: nothing to saturate");
        assertEquals(8, Targets.ORT_X86.weightBits(8, 16), "16-bit inputs run in float");
    }

    @Test
    void vnniKeepsEveryWidth() {
        for (int a : new int[] {2, 4, 8, 16}) {
            for (int w : new int[] {2, 5, 8, 16}) {
                assertEquals(w, Targets.ORT_X86_VNNI.weightBits(w, a));
            }
        }
    }

    @Test
    void candidateBitsAreMappedInOrderWithoutRepeats() {
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7}, Targets.ORT_X86.weightBitsOptions(new int[] {2, 3, 4, 5, 6, 8}, 8));
        assertArrayEquals(new int[] {4, 7}, Targets.ORT_X86.weightBitsOptions(new int[] {4, 7, 8}, 8));
        assertArrayEquals(new int[] {4, 7, 8}, Targets.ORT_X86_VNNI.weightBitsOptions(new int[] {4, 7, 8}, 8));
    }
}
