package mpq.sensitivity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
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

    /** {"metric", "layers": [names], "bits": [b], "values": [[per bit] per layer]}. */
    public ObjectNode toJson() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("metric", metric);
        ArrayNode names = j.putArray("layers");
        layers.forEach(names::add);
        ArrayNode b = j.putArray("bits");
        for (int x : bits) {
            b.add(x);
        }
        ArrayNode rows = j.putArray("values");
        for (double[] row : values) {
            ArrayNode r = rows.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        return j;
    }

    /** The table {@link #toJson} wrote; IllegalArgumentException when the JSON is not one. */
    public static SensitivityTable fromJson(JsonNode j) {
        if (j == null || !j.path("layers").isArray() || !j.path("bits").isArray() || !j.path("values").isArray()) {
            throw new IllegalArgumentException("not a sensitivity table (expected layers, bits and values)");
        }
        List<String> names = new ArrayList<>();
        j.path("layers").forEach(n -> names.add(n.asText()));
        int[] b = new int[j.path("bits").size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = j.path("bits").get(i).asInt();
        }
        double[][] v = new double[names.size()][b.length];
        for (int l = 0; l < names.size(); l++) {
            for (int k = 0; k < b.length; k++) {
                v[l][k] = j.path("values").path(l).path(k).asDouble(Double.NaN);
            }
        }
        return new SensitivityTable(j.path("metric").asText(), names, b, v);
    }
}
