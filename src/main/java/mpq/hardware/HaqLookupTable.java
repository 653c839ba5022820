package mpq.hardware;

import java.nio.file.Path;
import java.util.List;
import mpq.base.BadInputException;
import mpq.data.Npy;
import mpq.tensor.Tensor;

/**
 * A lookup table in HAQ's released format: a .npy array [layers][8][8] whose entry [l][w − 1][a − 1] is layer l's
 * cost at w-bit weights and a-bit activations, the layers in the model's order of quantizable layers (Conv, Gemm,
 * MatMul). HAQ ships one, MobileNetV2's latency; its unit is whatever the table was measured in ("ms" assumed).
 * The table's layer count must match the model's.
 */
public final class HaqLookupTable implements CostModel {
    private final Path file;
    private final Tensor table;
    private final List<String> layers;
    private final String resource;

    /** @param layers the model's quantizable layers in order, or null to check the file only */
    public HaqLookupTable(Path file, String resource, List<String> layers) {
        this.file = file;
        this.resource = resource;
        this.table = Npy.read(file);
        int[] s = table.shape();
        if (s.length != 3 || s[1] < 8 || s[2] < 8) {
            throw new BadInputException(file + ": a HAQ lookup table is [layers][8][8] (indexed [layer][w-1][a-1]), got "
                    + java.util.Arrays.toString(s));
        }
        if (layers != null && layers.size() != s[0]) {
            throw new BadInputException(file + ": the table has " + s[0] + " layers, the model " + layers.size()
                    + " quantizable layers");
        }
        this.layers = layers;
    }

    public static boolean isNpy(Path file) {
        return file.getFileName().toString().endsWith(".npy");
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public String unit() {
        return "ms";
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        int l = layers == null ? -1 : layers.indexOf(layer.name());
        if (l < 0) {
            throw new BadInputException(file + ": no row for layer '" + layer.name() + "'");
        }
        if (weightBits > 8 || actBits > 8) {
            throw new BadInputException(file + ": HAQ's table stops at 8 bits; layer '" + layer.name() + "' asks for W"
                    + weightBits + "A" + actBits);
        }
        int[] s = table.shape();
        return table.data()[(l * s[1] + weightBits - 1) * s[2] + actBits - 1];
    }
}
