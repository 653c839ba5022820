package mpq.base;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes files so that a reader sees the old file or the whole new one, never a partial one — also when the process
 * is stopped by SIGINT or SIGTERM mid-write: the temporary files of unfinished writes are deleted on the way out.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Temporary files being written now; the only process-wide state here, for the shutdown hook. */
    private static final Set<Path> UNFINISHED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : UNFINISHED) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the process is ending; nothing more can be done
                }
            }
        }, "mpq-unfinished-writes"));
    }

    /** What writes the content. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Temporary files are created private (0600); the result is an ordinary file (0644), as a plain write makes. */
    private static void readableByAll(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
    }

    /** Writes to a temporary file beside the target, then moves it into place; failures leave no file behind. */
    public static void write(Path target, Writer content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".mpq-", ".tmp");
            UNFINISHED.add(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            readableByAll(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BadInputException(target + ": cannot write (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                UNFINISHED.remove(tmp);
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do; the target is either complete or untouched
                }
            }
        }
    }
}
