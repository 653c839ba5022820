package mpq.sensitivity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import mpq.base.AtomicFiles;

/**
 * Sensitivity tables kept on disk, keyed by everything that determines them (the model file's bytes, the
 * calibration data and sample, preprocessing, metric, bit-widths, quantization settings, seed, tolerances), so a
 * repeated search with another budget or allocator skips the expensive part. A damaged entry is recomputed.
 */
public final class SensitivityCache {
    private final Path dir;

    public SensitivityCache(Path dir) {
        this.dir = dir;
    }

    /** $XDG_CACHE_HOME/mpq/sensitivity, or ~/.cache/mpq/sensitivity. */
    public static SensitivityCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new SensitivityCache(base.resolve("mpq").resolve("sensitivity"));
    }

    /** A key from the model file's contents and a description of everything else that matters. */
    public static String key(Path model, String description) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(model));
            md.update(description.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached table, or null. */
    public SensitivityTable get(String key) {
        Path f = dir.resolve(key + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode j = new ObjectMapper().readTree(Files.readAllBytes(f));
            List<String> layers = new ArrayList<>();
            j.path("layers").forEach(n -> layers.add(n.asText()));
            int[] bits = new int[j.path("bits").size()];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = j.path("bits").get(i).asInt();
            }
            double[][] values = new double[layers.size()][bits.length];
            for (int l = 0; l < layers.size(); l++) {
                for (int k = 0; k < bits.length; k++) {
                    values[l][k] = j.path("values").get(l).get(k).asDouble();
                }
            }
            return new SensitivityTable(j.path("metric").asText(), layers, bits, values);
        } catch (IOException | RuntimeException e) {
            return null;   // unreadable or from another version: compute afresh
        }
    }

    public void put(String key, SensitivityTable t) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode j = m.createObjectNode();
        j.put("metric", t.metric());
        ArrayNode layers = j.putArray("layers");
        t.layers().forEach(layers::add);
        ArrayNode bits = j.putArray("bits");
        for (int b : t.bits()) {
            bits.add(b);
        }
        ArrayNode values = j.putArray("values");
        for (int l = 0; l < t.layers().size(); l++) {
            ArrayNode row = values.addArray();
            for (int k = 0; k < t.bits().length; k++) {
                row.add(t.value(l, k));
            }
        }
        AtomicFiles.write(dir.resolve(key + ".json"), out -> m.writeValue(out, j));
    }
}
