package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mpq.Nets;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.quant.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cached tables come back exactly; keys change with the model, the data and the description; damage is a miss. */
class SensitivityCacheTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripAndKeys() throws IOException {
        Graph g = Nets.residual(3, false);
        Batches data = new Batches(List.of(new Nets(4).random(1.0, 2, 3, 8, 8)), "random");
        String k1 = SensitivityCache.key(g, data, "mse|2,4");
        assertEquals(k1, SensitivityCache.key(Nets.residual(3, false), data, "mse|2,4"), "the same inputs, the same key");
        assertNotEquals(k1, SensitivityCache.key(g, data, "mse|2,4,8"));
        assertNotEquals(k1, SensitivityCache.key(Nets.residual(5, false), data, "mse|2,4"), "other weights");
        Batches other = new Batches(List.of(new Nets(6).random(1.0, 2, 3, 8, 8)), "random");
        assertNotEquals(k1, SensitivityCache.key(g, other, "mse|2,4"), "other calibration data");
        SensitivityCache cache = new SensitivityCache(tmp.resolve("cache"));
        assertNull(cache.get(k1));
        SensitivityTable t = new SensitivityTable("mse", List.of("a", "b"), List.of(new Bits(2, 8), new Bits(4, 4)),
                new double[][] {{0.1 + 0.2, 1e-300}, {7, 0}});
        cache.put(k1, t);
        SensitivityTable back = cache.get(k1);
        assertEquals(t.layers(), back.layers());
        assertEquals(t.cells(), back.cells());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(t.values()[l], back.values()[l], 0.0);
        }
        Files.writeString(tmp.resolve("cache").resolve(k1 + ".json"), "{not json");
        assertNull(cache.get(k1));
    }

    /** Two searches writing the same key at once: every read sees one whole table or none, never a torn file. */
    @Test
    void concurrentWritersOfOneKeyLeaveAValidEntry() throws Exception {
        SensitivityCache cache = new SensitivityCache(tmp.resolve("cache"));
        List<String> layers = new java.util.ArrayList<>();
        double[][] big = new double[400][2];
        for (int l = 0; l < big.length; l++) {
            layers.add("layer" + l);
            big[l] = new double[] {l, 1.0 / (l + 1)};
        }
        List<Bits> cells = List.of(new Bits(2, 8), new Bits(4, 8));
        SensitivityTable a = new SensitivityTable("mse", layers, cells, big);
        double[][] other = new double[400][2];
        SensitivityTable b = new SensitivityTable("fisher", layers, cells, other);
        java.util.concurrent.atomic.AtomicInteger torn = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Path entry = tmp.resolve("cache/k.json");
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(entry);
                } catch (IOException e) {
                    continue;   // not written yet
                }
                try {
                    String metric = SensitivityTable.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(bytes)).metric();
                    if (!metric.equals("mse") && !metric.equals("fisher")) {
                        torn.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    torn.incrementAndGet();   // the file is there but does not parse
                }
            }
        });
        reader.start();
        Thread w1 = new Thread(() -> { for (int i = 0; i < 100; i++) cache.put("k", a); });
        Thread w2 = new Thread(() -> { for (int i = 0; i < 100; i++) cache.put("k", b); });
        w1.start();
        w2.start();
        w1.join();
        w2.join();
        done.set(true);
        reader.join();
        assertEquals(0, torn.get(), "reads of a partly written entry");
        SensitivityTable last = cache.get("k");
        assertEquals(400, last.layers().size());
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of("k.json"), files.map(f -> f.getFileName().toString()).toList(), "no temporary files left");
        }
    }
}
