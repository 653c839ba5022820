package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that chooses the vector width. {@code -Dmpq.vectorBitSize=128|256|512} picks a width;
 * 0 turns vectors off in the kernels that have a scalar reference path (used by tests as the control).
 */
public final class Simd {
    private Simd() {}

    public static final boolean ENABLED;
    public static final VectorSpecies<Float> F;
    public static final int LANES;

    static {
        int bits = Integer.getInteger("mpq.vectorBitSize", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        ENABLED = bits != 0;
        F = switch (bits) {
            case 0 -> FloatVector.SPECIES_PREFERRED;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("mpq.vectorBitSize must be 0, 128, 256 or 512, got " + bits);
        };
        LANES = F.length();
    }
}
