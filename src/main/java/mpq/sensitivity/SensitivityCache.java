package mpq.sensitivity;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import mpq.base.AtomicFiles;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.onnx.OnnxWriter;
import mpq.tensor.Tensor;

/**
 * Sensitivity tables kept on disk, keyed by everything that determines them (the model, the calibration inputs,
 * metric, cells, quantization settings, seed, tolerances), so a repeated search with another budget or allocator
 * skips the expensive part. A damaged entry is recomputed.
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

    /**
     * A key from everything a table depends on: the graph (its ONNX encoding: nodes, attributes, weights), the
     * calibration batches and labels, and a description of the settings (metric and its version, cells, estimators,
     * granularity, seed, tolerances).
     */
    public static String key(Graph g, Batches data, String description) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(OnnxWriter.toProto(g, 8, "").toByteArray());
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
            for (int b = 0; b < data.list().size(); b++) {
                Tensor t = data.list().get(b);
                md.update(java.util.Arrays.toString(t.shape()).getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < t.size(); i++) {
                    if (buf.remaining() < 8) {
                        md.update(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    if (t.isFloat()) {
                        buf.putFloat(t.data()[i]);
                    } else {
                        buf.putLong(t.ints()[i]);   // integer inputs (uint8 pixels, token ids)
                    }
                }
                md.update(buf.array(), 0, buf.position());
                buf.clear();
                if (data.hasLabels()) {
                    md.update(java.util.Arrays.toString(data.labels(b)).getBytes(StandardCharsets.UTF_8));
                }
            }
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
            return SensitivityTable.fromJson(new ObjectMapper().readTree(Files.readAllBytes(f)));
        } catch (IOException | RuntimeException e) {
            return null;   // unreadable or from another version: compute afresh
        }
    }

    public void put(String key, SensitivityTable t) {
        ObjectMapper m = new ObjectMapper();
        AtomicFiles.write(dir.resolve(key + ".json"), out -> m.writeValue(out, t.toJson()));
    }
}
