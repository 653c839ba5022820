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
