package mpq.quant;

import java.util.Arrays;
import java.util.Locale;
import mpq.base.BadInputException;

/**
 * SPARQ's bit windows: an activation is first quantized to unsigned b-bit levels (b = 8 as a rule), then each level
 * keeps only n consecutive bits, the window anchored at its leading one and chosen from a fixed set of placements;
 * the bits below the window are truncated or rounded to nearest-even, the result clamped to the window. With
 * vSPARQ pairing, values go in pairs of adjacent input channels of the layer that reads them; when one of a pair is
 * zero, the other spends both budgets (a 2n-bit window, exact at n = 4, b = 8).
 *
 * <p>Placements are named by their count at b = 8, n = 4, as in the paper: 5opt = every shift, [7:4] [6:3] [5:2]
 * [4:1] [3:0]; 3opt = [7:4] [5:2] [3:0] (top, middle, bottom); 2opt = [7:4] [3:0] (top, bottom). Other widths keep
 * the rule: every shift from b − n down to 0; the top, middle ((b − n) / 2, rounded down) and bottom shifts; top and
 * bottom. The window of a level is the lowest placement that holds its leading one.
 *
 * @param bits       window width n, at least 1 and below the activation's bits
 * @param placements which windows a value may take
 * @param rounding   what happens to the bits below the window
 * @param pairs      vSPARQ: a value whose pair partner is zero gets a 2n-bit window
 */
public record SparqWindows(int bits, Placements placements, Rounding rounding, boolean pairs) {
    /** The paper's main setting: 4-bit windows, all five placements, rounded, vSPARQ on. */
    public static final SparqWindows DEFAULT = new SparqWindows(4, Placements.FIVE, Rounding.NEAREST, true);

    public enum Placements {
        FIVE("5opt"), THREE("3opt"), TWO("2opt");

        private final String label;

        Placements(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Placements of(String s) {
            for (Placements p : values()) {
                if (p.label.equals(s.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new BadInputException("--sparq-windows must be 5opt, 3opt or 2opt, got '" + s + "'");
        }
    }

    public enum Rounding {
        NEAREST("nearest"), FLOOR("floor");

        private final String label;

        Rounding(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Rounding of(String s) {
            for (Rounding r : values()) {
                if (r.label.equals(s.toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new BadInputException("--sparq-round must be nearest or floor, got '" + s + "'");
        }
    }

    public SparqWindows {
        if (bits < 1 || bits > 7) {
            throw new BadInputException("--sparq window bits must be 1 to 7 (of 8-bit activations), got " + bits);
        }
        java.util.Objects.requireNonNull(placements, "placements");
        java.util.Objects.requireNonNull(rounding, "rounding");
    }

    /** Whether an activation on this grid takes windows: unsigned levels from 0 (zero point 0), wider than n. */
    public boolean appliesTo(QuantParams p) {
        return !p.grid().signed() && !p.perChannel() && p.zeroPoint(0) == 0 && p.grid().qmin() == 0
                && p.grid().bits() > bits;
    }

    /** The windowed level of every level 0 … 2^levelBits − 1, a value alone (or with a non-zero partner). */
    public int[] table(int levelBits) {
        return table(levelBits, bits);
    }

    /** The same for a value whose pair partner is zero: a 2n-bit window (every level exact once 2n ≥ levelBits). */
    public int[] pairTable(int levelBits) {
        return table(levelBits, Math.min(levelBits, 2 * bits));
    }

    private int[] table(int levelBits, int width) {
        int[] shifts = shifts(levelBits, width, placements);
        int[] t = new int[1 << levelBits];
        for (int q = 0; q < t.length; q++) {
            t[q] = window(q, width, shifts, rounding);
        }
        return t;
    }

    /** The shifts (lowest window bit) a placement set allows for width-bit windows of levelBits-bit levels, highest first. */
    static int[] shifts(int levelBits, int width, Placements placements) {
        int top = levelBits - width;
        return switch (placements) {
            case FIVE -> {
                int[] s = new int[top + 1];
                for (int i = 0; i <= top; i++) {
                    s[i] = top - i;
                }
                yield s;
            }
            case THREE -> Arrays.stream(new int[] {top, top / 2, 0}).distinct().toArray();
            case TWO -> Arrays.stream(new int[] {top, 0}).distinct().toArray();
        };
    }

    /** A level through its window: the lowest allowed shift whose window holds the leading one. */
    static int window(int q, int width, int[] shifts, Rounding rounding) {
        int s = shifts[0];
        for (int c : shifts) {
            if (c < s && q < 1 << (c + width)) {
                s = c;
            }
        }
        if (s == 0) {
            return q;
        }
        int kept = q >> s, dropped = q & ((1 << s) - 1), half = 1 << (s - 1);
        if (rounding == Rounding.NEAREST && (dropped > half || (dropped == half && (kept & 1) == 1))) {
            kept = Math.min(kept + 1, (1 << width) - 1);
        }
        return kept << s;
    }

    /** As the options that give it, e.g. "--sparq 4 --sparq-windows 5opt --sparq-round nearest". */
    public String describe() {
        return "--sparq " + bits + " --sparq-windows " + placements.label + " --sparq-round " + rounding.label
                + (pairs ? "" : " --no-vsparq");
    }

    /** Short, for tables: "4-bit 5opt nearest vSPARQ". */
    public String label() {
        return bits + "-bit " + placements.label + " " + rounding.label + (pairs ? " vSPARQ" : "");
    }
}
