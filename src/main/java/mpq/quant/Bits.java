package mpq.quant;

import java.util.ArrayList;
import java.util.List;

/**
 * One layer's bit-widths: of its weights and of its input activation — the (w, a) cell that sensitivities, costs
 * and allocations are per. A single activation width is the special case where every cell has the same a.
 */
public record Bits(int w, int a) {
    public Bits {
        IntGrid.checkBits(w, "weight bit-width");
        IntGrid.checkBits(a, "activation bit-width");
    }

    /** Every (w, a) of the two lists, weights varying fastest within each activation width. */
    public static List<Bits> cells(int[] weightBits, int[] actBits) {
        List<Bits> out = new ArrayList<>();
        for (int a : actBits) {
            for (int w : weightBits) {
                Bits b = new Bits(w, a);
                if (!out.contains(b)) {
                    out.add(b);
                }
            }
        }
        return out;
    }

    /** The distinct activation widths of some cells, in order of appearance. */
    public static int[] actWidths(List<Bits> cells) {
        return cells.stream().mapToInt(Bits::a).distinct().toArray();
    }

    @Override
    public String toString() {
        return "W" + w + "A" + a;
    }
}
