package mpq.hardware;

/**
 * A bit-fusion array in the style of Bit Fusion (Sharma et al., ISCA 2018): rows × cols Fusion Units of 16 BitBricks
 * (2-bit × 2-bit multipliers) that fuse into wider multipliers: a w × a multiply takes ⌈w/2⌉·⌈a/2⌉ bricks, so
 * throughput is ∝ 1/(⌈w/2⌉·⌈a/2⌉) (16 multiply-adds per unit and cycle at 2×2, 4 at 4×4, 1 at 8×8). The paper's units
 * fuse in powers of two (3 bits take a 4-bit multiplier, 5 or 6 bits an 8-bit one); {@code powerOfTwoFusion} models
 * that, otherwise bricks are counted exactly. Output channels go across the columns and the reduction's bricks down
 * the rows: cycles = M·⌈N/cols⌉·⌈K·bricks/(rows·bricks per unit)⌉.
 */
record BitFusionArray(int rows, int cols, int bricksPerUnit, boolean powerOfTwoFusion, double brickOpPj)
        implements ComputeArray {
    /** Bricks one w × a multiply uses. */
    int bricks(int w, int a) {
        return halves(w) * halves(a);
    }

    private int halves(int bits) {
        int h = (bits + 1) / 2;
        return powerOfTwoFusion ? Integer.highestOneBit(h) == h ? h : Integer.highestOneBit(h) << 1 : h;
    }

    @Override
    public double cycles(Gemm g, int w, int a) {
        return (double) g.m() * ComputeArray.ceilDiv(g.n(), cols)
                * ComputeArray.ceilDiv(g.k() * bricks(w, a), (long) rows * bricksPerUnit);
    }

    @Override
    public double operationEnergyPj(Gemm g, int w, int a) {
        return (double) g.macs() * bricks(w, a) * brickOpPj;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "bit-fusion %d×%d units of %d bricks%s, %.3g pJ/brick op", rows,
                cols, bricksPerUnit, powerOfTwoFusion ? " (power-of-two fusion)" : "", brickOpPj);
    }
}
