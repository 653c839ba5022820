package mpq.sensitivity;

import java.util.List;

/**
 * How much quantizing each layer hurts, at each candidate weight bit-width: values[layer][option], higher is worse.
 * The allocators minimise the sum over layers of the chosen options' values.
 */
public record SensitivityTable(String metric, List<String> layers, int[] bits, double[][] values) {
    public SensitivityTable {
        layers = List.copyOf(layers);
        bits = bits.clone();
        if (values.length != layers.size()) {
            throw new IllegalArgumentException("one row per layer");
        }
        double[][] copy = new double[values.length][];
        for (int l = 0; l < values.length; l++) {
            if (values[l].length != bits.length) {
                throw new IllegalArgumentException("one value per bit-width in row " + l);
            }
            copy[l] = values[l].clone();
        }
        values = copy;
    }

    public double value(int layer, int option) {
        return values[layer][option];
    }
}
