package mpq.deploy;

/**
 * What the runtime that will run an exported model computes differently from exact integer arithmetic, so that mpq
 * quantizes for it and its simulation computes what the deployed model computes. For now one fact: whether the
 * integer kernels sum each pair of neighbouring uint8 × int8 products in a saturating 16-bit integer before
 * accumulating in int32, as ONNX Runtime's do on x86 CPUs without VNNI (VPMADDUBSW) — except its depthwise
 * convolutions, whose kernel widens both operands to int16 and accumulates every product exactly (measured on the
 * AVX2 code paths: 9 taps of 255 × 127 sum exactly). The hardware-spec work will
 * grow this into a full description (ops, dtypes, granularity, export format).
 *
 * @param name              what --target calls it
 * @param description       one line for --help and reports
 * @param saturatingPairBits 16 when pairs of products saturate at int16; 0 when products accumulate exactly
 */
public record Target(String name, String description, int saturatingPairBits) {
    public Target {
        if (saturatingPairBits != 0 && (saturatingPairBits < 8 || saturatingPairBits > 32)) {
            throw new IllegalArgumentException("saturatingPairBits must be 0 or 8..32, got " + saturatingPairBits);
        }
    }

    /** The widest grids an integer kernel takes: wider weights or inputs run in float, and cannot saturate. */
    private static final int INTEGER_KERNEL_BITS = 8;

    /**
     * The weight bits a layer asked for {@code requested} bits gets here when its input is quantized to
     * {@code inputBits} unsigned bits: the most, up to requested, for which no pair of products can saturate. The
     * largest pair is 2 · (2^a − 1) · 2^(w−1) = (2^a − 1) · 2^w (weights on the symmetric grid reach −2^(w−1)), so
     * with 16-bit pairs w + a ≤ 15: 8-bit inputs allow 7-bit weights (ONNX Runtime's "reduce_range").
     */
    public int weightBits(int requested, int inputBits) {
        return weightBits(requested, inputBits, false);
    }

    /** The same for a layer that may be a depthwise convolution (one input and one output channel per group). */
    public int weightBits(int requested, int inputBits, boolean depthwise) {
        if (depthwise || saturatingPairBits == 0 || requested > INTEGER_KERNEL_BITS || inputBits > INTEGER_KERNEL_BITS) {
            return requested;
        }
        long limit = (1L << (saturatingPairBits - 1)) - 1;
        int w = requested;
        while (w > 2 && ((1L << inputBits) - 1) << w > limit) {
            w--;
        }
        return w;
    }

    /** Candidate weight bit-widths as this target takes them with inputBits inputs: mapped, in order, without repeats. */
    public int[] weightBitsOptions(int[] requested, int inputBits) {
        return java.util.Arrays.stream(requested).map(b -> weightBits(b, inputBits)).distinct().toArray();
    }

    @Override
    public String toString() {
        return name;
    }
}
