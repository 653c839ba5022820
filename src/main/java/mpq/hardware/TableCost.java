package mpq.hardware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import mpq.base.BadInputException;

/**
 * Measured costs from a JSON table, so users can bring their target's latency or energy:
 * <pre>
 * { "resource": "latency", "unit": "ms",
 *   "layers":   { "/conv1/Conv": { "w8a8": 0.12, "w4a8": 0.07 } },
 *   "op_types": { "Conv": { "w8a8": 0.001, "w4a8": 0.0006 } },
 *   "op_types_per": "mac" }
 * </pre>
 * A layer's entry wins; otherwise its op type's entry, which is per layer, or per MAC when "op_types_per" is "mac".
 * A (w, a) pair the table lacks for a layer is an error that names the layer and the pair.
 */
public final class TableCost implements CostModel {
    private final String resource, unit, source;
    private final Map<String, Map<String, Double>> layers = new HashMap<>(), opTypes = new HashMap<>();
    private final boolean perMac;

    public TableCost(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        source = file.toString();
        resource = root.path("resource").asText("latency");
        unit = root.path("unit").asText("");
        perMac = root.path("op_types_per").asText("layer").equals("mac");
        read(root.path("layers"), layers);
        read(root.path("op_types"), opTypes);
        if (layers.isEmpty() && opTypes.isEmpty()) {
            throw new BadInputException(file + ": a cost table needs \"layers\" or \"op_types\" entries");
        }
    }

    private void read(JsonNode node, Map<String, Map<String, Double>> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Map<String, Double> pairs = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> p = e.getValue().fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> pair = p.next();
                if (!pair.getValue().isNumber()) {
                    throw new BadInputException(source + ": entry " + e.getKey() + "." + pair.getKey() + " must be a number");
                }
                pairs.put(pair.getKey().toLowerCase(java.util.Locale.ROOT), pair.getValue().asDouble());
            }
            into.put(e.getKey(), pairs);
        }
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public double cost(LayerShape layer, int weightBits, int actBits, boolean perChannel) {
        String key = "w" + weightBits + "a" + actBits;
        Map<String, Double> own = layers.get(layer.name());
        if (own != null && own.containsKey(key)) {
            return own.get(key);
        }
        Map<String, Double> byType = opTypes.get(layer.opType());
        if (byType != null && byType.containsKey(key)) {
            return byType.get(key) * (perMac ? layer.macs() : 1);
        }
        throw new BadInputException(source + ": no " + resource + " for layer '" + layer.name() + "' (" + layer.opType()
                + ") at " + key);
    }
}
