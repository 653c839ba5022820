package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cached tables come back exactly; keys change with the model's bytes and the description; damage is a miss. */
class SensitivityCacheTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripAndKeys() throws IOException {
        Path model = tmp.resolve("m.onnx");
        Files.write(model, new byte[] {1, 2, 3});
        String k1 = SensitivityCache.key(model, "mse|2,4");
        assertNotEquals(k1, SensitivityCache.key(model, "mse|2,4,8"));
        Files.write(model, new byte[] {1, 2, 4});
        assertNotEquals(k1, SensitivityCache.key(model, "mse|2,4"));
        SensitivityCache cache = new SensitivityCache(tmp.resolve("cache"));
        assertNull(cache.get(k1));
        SensitivityTable t = new SensitivityTable("mse", List.of("a", "b"), new int[] {2, 4},
                new double[][] {{0.1 + 0.2, 1e-300}, {7, 0}});
        cache.put(k1, t);
        SensitivityTable back = cache.get(k1);
        assertEquals(t.layers(), back.layers());
        assertArrayEquals(t.bits(), back.bits());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(t.values()[l], back.values()[l], 0.0);
        }
        Files.writeString(tmp.resolve("cache").resolve(k1 + ".json"), "{not json");
        assertNull(cache.get(k1));
    }
}
