package mpq.hardware;

/** An accelerator's compute array: the cycles and the energy of one GEMM at (w, a) bits. */
public interface ComputeArray {
    /** M rows (batch × output positions), K reduction length, N output channels. */
    record Gemm(long m, long k, long n) {
        long macs() {
            return m * k * n;
        }
    }

    double cycles(Gemm g, int w, int a);

    /** The arithmetic's energy in pJ (operations × energy per operation). */
    double operationEnergyPj(Gemm g, int w, int a);

    /** The array's parameters in a few words. */
    String describe();

    static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }
}
