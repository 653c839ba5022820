package mpq.hardware;

/**
 * A bit-serial matrix engine in the style of BISMO (Umuroglu et al., FPL 2018): Dm × Dn dot-product units, each
 * taking Dk bits of a row and a column per cycle (AND and popcount). A w-bit × a-bit product is w·a binary passes,
 * so one tile of Dm rows, Dn columns and Dk reduction steps costs w·a cycles and a GEMM costs
 * w·a·⌈M/Dm⌉·⌈N/Dn⌉·⌈K/Dk⌉ (partial tiles waste the unused units).
 */
record BitSerialArray(int dm, int dk, int dn, double binaryOpPj) implements ComputeArray {
    @Override
    public double cycles(Gemm g, int w, int a) {
        return (double) w * a * ComputeArray.ceilDiv(g.m(), dm) * ComputeArray.ceilDiv(g.n(), dn)
                * ComputeArray.ceilDiv(g.k(), dk);
    }

    /** Every multiply-accumulate is w·a binary ones. */
    @Override
    public double operationEnergyPj(Gemm g, int w, int a) {
        return (double) g.macs() * w * a * binaryOpPj;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "bit-serial %d×%d×%d (Dm×Dk×Dn), %.3g pJ/binary op", dm, dk, dn,
                binaryOpPj);
    }
}
