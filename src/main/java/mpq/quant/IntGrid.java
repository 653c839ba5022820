package mpq.quant;

import mpq.base.BadInputException;

/**
 * The integers a quantized tensor may take: {@code bits} bits, signed [−2^(b−1), 2^(b−1) − 1] (like int8) or
 * unsigned [0, 2^b − 1] (like uint8).
 */
public record IntGrid(int bits, boolean signed) {
    /** Bit-widths mpq simulates and exports. */
    public static final String ALLOWED = "2 to 8 or 16";

    public IntGrid {
        checkBits(bits, "bit-width");
    }

    /** Refuses a bit-width outside 2–8 and 16, naming what it was for. */
    public static void checkBits(int bits, String what) {
        if (!((bits >= 2 && bits <= 8) || bits == 16)) {
            throw new BadInputException(what + " must be " + ALLOWED + ", got " + bits);
        }
    }

    public int qmin() {
        return signed ? -(1 << (bits - 1)) : 0;
    }

    public int qmax() {
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** Number of representable values. */
    public int levels() {
        return 1 << bits;
    }

    @Override
    public String toString() {
        return (signed ? "int" : "uint") + bits;
    }
}
