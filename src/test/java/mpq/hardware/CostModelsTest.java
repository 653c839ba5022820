package mpq.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mpq.Nets;
import mpq.base.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layer shapes and the three cost models. */
class CostModelsTest {
    @TempDir
    Path tmp;

    @Test
    void layerShapesCountWeightsChannelsAndMacs() {
        List<LayerShape> layers = LayerShape.of(Nets.residual(1, false));
        assertEquals(List.of("conv1", "conv2", "conv3", "fc"), layers.stream().map(LayerShape::name).toList());
        LayerShape conv1 = layers.getFirst();
        assertEquals(8 * 3 * 3 * 3, conv1.params());
        assertEquals(8, conv1.channels());
        assertEquals(8L * 8 * 8 * 27, conv1.macs(), "8 channels × 8×8 pixels × 27 taps");
        LayerShape conv2 = layers.get(1);   // group 2: 4 input channels per output channel
        assertEquals(8L * 8 * 8 * 36, conv2.macs());
        assertEquals(5 * 8, layers.get(3).macs());
    }

    @Test
    void sizeAndBops() {
        LayerShape l = new LayerShape("c", "Conv", 1000, 16, 50_000);
        assertEquals(1000 * 4 + 16 * (32 + 4), new SizeCost().cost(l, 4, 8, true));
        assertEquals(1000 * 4 + (32 + 4), new SizeCost().cost(l, 4, 8, false));
        assertEquals(50_000.0 * 4 * 6, new BopsCost().cost(l, 4, 6, true));
    }

    @Test
    void tablesPreferTheLayerEntryThenTheOpType() throws IOException {
        Path f = tmp.resolve("latency.json");
        Files.writeString(f, """
                {"resource": "latency", "unit": "ms",
                 "layers": {"conv1": {"w4a8": 0.5}},
                 "op_types": {"Conv": {"w4a8": 0.001, "w8a8": 0.002}}, "op_types_per": "mac"}
                """);
        TableCost t = new TableCost(f);
        assertEquals("ms", t.unit());
        LayerShape conv1 = new LayerShape("conv1", "Conv", 10, 2, 100), other = new LayerShape("c9", "Conv", 10, 2, 100);
        assertEquals(0.5, t.cost(conv1, 4, 8, true));
        assertEquals(0.2, t.cost(conv1, 8, 8, true), 1e-12, "no layer entry for w8a8: the op type's, per MAC");
        assertEquals(0.1, t.cost(other, 4, 8, true), 1e-12);
        BadInputException e = assertThrows(BadInputException.class, () -> t.cost(other, 2, 8, true));
        assertTrue(e.getMessage().contains("'c9'") && e.getMessage().contains("w2a8"), e.getMessage());
        Files.writeString(f, "{\"layers\": {\"x\": {\"w4a8\": \"fast\"}}}");
        assertThrows(BadInputException.class, () -> new TableCost(f));
    }
}
