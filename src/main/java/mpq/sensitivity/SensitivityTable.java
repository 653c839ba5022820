package mpq.sensitivity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import mpq.quant.Bits;

/**
 * How much quantizing each layer hurts, per candidate (weight bits, input activation bits) cell:
 * values[layer][cell], higher is worse. The allocators minimise the sum over layers of the chosen cells' values.
 *
 * @param interactions for metrics that measure layers together (CLADO), what choosing cell k of layer l together with
 *                     cell j of layer m adds to the sum of their values: interactions[l·C + k][m·C + j] (C cells),
 *                     symmetric, zero within a layer; null when the layers are taken as independent
 */
public record SensitivityTable(String metric, List<String> layers, List<Bits> cells, double[][] values,
                               double[][] interactions) {
    public SensitivityTable(String metric, List<String> layers, List<Bits> cells, double[][] values) {
        this(metric, layers, cells, values, null);
    }

    public SensitivityTable {
        if (interactions != null) {
            int n = layers.size() * cells.size();
            double[][] copy = new double[n][];
            if (interactions.length != n) {
                throw new IllegalArgumentException("interactions: one row per (layer, cell), " + n);
            }
            for (int i = 0; i < n; i++) {
                if (interactions[i].length != n) {
                    throw new IllegalArgumentException("interactions: one value per (layer, cell) in row " + i);
                }
                copy[i] = interactions[i].clone();
            }
            interactions = copy;
        }
        layers = List.copyOf(layers);
        cells = List.copyOf(cells);
        if (values.length != layers.size()) {
            throw new IllegalArgumentException("one row per layer");
        }
        double[][] copy = new double[values.length][];
        for (int l = 0; l < values.length; l++) {
            if (values[l].length != cells.size()) {
                throw new IllegalArgumentException("one value per (w, a) cell in row " + l);
            }
            copy[l] = values[l].clone();
        }
        values = copy;
    }

    public double value(int layer, int cell) {
        return values[layer][cell];
    }

    /** The index of a cell, or −1. */
    public int indexOf(Bits cell) {
        return cells.indexOf(cell);
    }

    /** The same table with other values (same layers, cells and interactions). */
    public SensitivityTable withValues(double[][] v) {
        return new SensitivityTable(metric, layers, cells, v, interactions);
    }

    /** What cell k of layer l and cell j of layer m add together beyond their values (0 without interactions). */
    public double interaction(int l, int k, int m, int j) {
        return interactions == null ? 0 : interactions[l * cells.size() + k][m * cells.size() + j];
    }

    /** {"metric", "layers": [names], "bits": [w per cell], "a_bits": [a per cell], "values": [[per cell] per layer]}. */
    public ObjectNode toJson() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("metric", metric);
        ArrayNode names = j.putArray("layers");
        layers.forEach(names::add);
        ArrayNode w = j.putArray("bits"), a = j.putArray("a_bits");
        for (Bits c : cells) {
            w.add(c.w());
            a.add(c.a());
        }
        ArrayNode rows = j.putArray("values");
        for (double[] row : values) {
            ArrayNode r = rows.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        if (interactions != null) {
            ArrayNode ir = j.putArray("interactions");
            for (double[] row : interactions) {
                ArrayNode r = ir.addArray();
                for (double v : row) {
                    r.add(v);
                }
            }
        }
        return j;
    }

    /** The table {@link #toJson} wrote; IllegalArgumentException when the JSON is not one. */
    public static SensitivityTable fromJson(JsonNode j) {
        if (j == null || !j.path("layers").isArray() || !j.path("bits").isArray() || !j.path("a_bits").isArray()
                || !j.path("values").isArray() || j.path("bits").size() != j.path("a_bits").size()) {
            throw new IllegalArgumentException("not a sensitivity table (expected layers, bits, a_bits and values)");
        }
        List<String> names = new ArrayList<>();
        j.path("layers").forEach(n -> names.add(n.asText()));
        List<Bits> cells = new ArrayList<>();
        for (int i = 0; i < j.path("bits").size(); i++) {
            cells.add(new Bits(j.path("bits").get(i).asInt(), j.path("a_bits").get(i).asInt()));
        }
        double[][] v = new double[names.size()][cells.size()];
        for (int l = 0; l < names.size(); l++) {
            for (int k = 0; k < cells.size(); k++) {
                v[l][k] = j.path("values").path(l).path(k).asDouble(Double.NaN);
            }
        }
        double[][] inter = null;
        if (j.path("interactions").isArray()) {
            int n = names.size() * cells.size();
            inter = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    inter[a][b] = j.path("interactions").path(a).path(b).asDouble(Double.NaN);
                }
            }
        }
        return new SensitivityTable(j.path("metric").asText(), names, cells, v, inter);
    }
}
