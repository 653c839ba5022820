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

/** The accelerator models: the arrays' cycle counts, the roofline, energy, the shipped specs and spec files. */
class AcceleratorTest {
    @TempDir
    Path tmp;

    /** A 3×3 convolution of 16 to 16 channels on a 32×32 map: M = 1024, K = 144, N = 16. */
    private static final LayerShape CONV = new LayerShape("c", "Conv", 16 * 144, 16, 1024L * 144 * 16, 16 * 1024,
            16 * 1024);

    private static Accelerator of(ComputeArray array, double bandwidth, double staticMw) {
        return new Accelerator("t", "", array, 100, 1, bandwidth, 8, 0, 100, staticMw, List.of());
    }

    @Test
    void bitSerialTakesWTimesAPassesOverItsTiles() {
        Accelerator a = of(new BitSerialArray(8, 256, 8, 0.5), 1e9, 0);
        // ⌈1024/8⌉·⌈16/8⌉·⌈144/256⌉ = 256 tiles, w·a passes each
        assertEquals(4 * 4 * 256, a.cycles(CONV, 4, 4));
        assertEquals(8 * 2 * 256, a.cycles(CONV, 8, 2));
        assertEquals(2 * 3 * 256 / 100e3, a.latencyMs(CONV, 2, 3), 1e-12, "cycles at 100 MHz");
    }

    @Test
    void bitFusionThroughputFallsWithTheBricksAMultiplyTakes() {
        BitFusionArray exact = new BitFusionArray(16, 16, 16, false, 0.01);
        assertEquals(16, exact.bricks(8, 8));
        assertEquals(6, exact.bricks(3, 6));
        assertEquals(1, exact.bricks(2, 1));
        Accelerator a = of(exact, 1e9, 0);
        // M·⌈N/16⌉·⌈K·bricks/(16·16)⌉: 8×8 → 1024·1·9, 4×4 → 1024·1·3, 2×2 → 1024·1·1 (partial)
        assertEquals(1024 * 9, a.cycles(CONV, 8, 8));
        assertEquals(1024 * 3, a.cycles(CONV, 4, 4));
        assertEquals(1024, a.cycles(CONV, 2, 2));
        BitFusionArray powers = new BitFusionArray(16, 16, 16, true, 0.01);
        assertEquals(powers.bricks(4, 8), powers.bricks(3, 5), "3 bits fuse as 4, 5 as 8");
        assertEquals(exact.bricks(4, 4), powers.bricks(3, 4));
    }

    @Test
    void aNarrowBusMakesLayersMemoryBoundAndEnergyCountsEveryTerm() {
        BitSerialArray array = new BitSerialArray(8, 256, 8, 0.5);
        double bytes = (16 * 144 * 4 + 16 * 1024 * 4 + 16 * 1024 * 8) / 8.0;
        Accelerator slow = of(array, 0.001, 0);   // 1 MB/s
        assertEquals(bytes / 1e6 * 100e6, slow.cycles(CONV, 4, 4), 1e-6);
        Accelerator fast = of(array, 1e9, 20);
        double pj = 1024.0 * 144 * 16 * 4 * 4 * 0.5 + bytes * 100 + 20 * fast.latencyMs(CONV, 4, 4) * 1e6;
        assertEquals(pj * 1e-9, fast.energyMj(CONV, 4, 4), 1e-15);
    }

    @Test
    void theShippedSpecsLoadAndFewerBitsCostLess() {
        for (String name : Accelerator.BUILT_IN) {
            Accelerator acc = Accelerator.builtIn(name);
            assertEquals(name, acc.name());
            assertTrue(!acc.sources().isEmpty(), name + " cites its figures");
            for (LayerShape l : LayerShape.of(Nets.residual(1, false))) {
                assertTrue(l.inputs() > 0 && l.outputs() > 0, l.name());
                assertTrue(acc.latencyMs(l, 4, 4) <= acc.latencyMs(l, 8, 8), name + " " + l.name());
                assertTrue(acc.energyMj(l, 2, 4) < acc.energyMj(l, 8, 8), name + " " + l.name());
            }
        }
        assertThrows(BadInputException.class, () -> Accelerator.builtIn("tpu"));
    }

    @Test
    void specFilesAreCheckedAndTablesMustCountTheResourceAsked() throws IOException {
        Path spec = tmp.resolve("mine.json");
        Files.writeString(spec, """
                {"name": "mine", "array": {"engine": "bit-serial", "dm": 4, "dk": 64, "dn": 4, "binary_op_pj": 1},
                 "clock_mhz": 100, "batch": 1, "bandwidth_gb_per_s": 1, "dram_pj_per_byte": 10}
                """);
        CostModel latency = CostModels.forResource(spec.toString(), "latency");
        assertEquals("ms", latency.unit());
        assertEquals("mJ", CostModels.forResource(spec.toString(), "energy").unit());
        assertEquals("mJ", CostModels.forResource("bitfusion-edge", "energy").unit());
        Files.writeString(spec, "{\"array\": {\"engine\": \"bit-serial\", \"dm\": 0}}");
        BadInputException e = assertThrows(BadInputException.class, () -> Accelerator.load(spec));
        assertTrue(e.getMessage().contains("mine.json") && e.getMessage().contains("\"dm\""), e.getMessage());
        Files.writeString(spec, "{\"array\": {\"engine\": \"systolic\"}}");
        e = assertThrows(BadInputException.class, () -> Accelerator.load(spec));
        assertTrue(e.getMessage().contains("systolic"), e.getMessage());
        Path table = tmp.resolve("t.json");
        Files.writeString(table, "{\"resource\": \"latency\", \"unit\": \"ms\", \"op_types\": {\"Conv\": {\"w8a8\": 1}}}");
        assertEquals("latency", CostModels.forResource(table.toString(), "latency").resource());
        e = assertThrows(BadInputException.class, () -> CostModels.forResource(table.toString(), "energy"));
        assertTrue(e.getMessage().contains("measures latency"), e.getMessage());
        assertThrows(BadInputException.class, () -> CostModels.forResource("size", "latency"));
        assertThrows(BadInputException.class, () -> CostModels.forResource(tmp.resolve("none").toString(), "latency"));
    }
}
