package mpq.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Refuses an output that would land on one of a command's inputs, before any work is done: the same path, or the
 * same file reached through a symbolic link or another hard link. Inputs are never modified.
 */
public final class OutputPaths {
    private OutputPaths() {}

    public static void refuseInputs(Collection<Path> outputs, Collection<Path> inputs) {
        for (Path out : outputs) {
            for (Path in : inputs) {
                if (sameFile(out, in)) {
                    throw new BadInputException(out + ": this output is also an input of the command (" + in
                            + "); write it to another file (mpq never overwrites its inputs)");
                }
            }
        }
    }

    /** Refuses an output folder that is one of the input folders or lies inside one. */
    public static void refuseInsideInputs(Path outDir, Collection<Path> inputDirs) {
        Path out = real(outDir);
        for (Path in : inputDirs) {
            if (out.startsWith(real(in))) {
                throw new BadInputException(outDir + ": this output folder lies inside the input " + in
                        + "; write to a folder outside it (mpq never writes into its inputs)");
            }
        }
    }

    static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;   // one of them cannot be read as a file: they are not the same file
        }
    }

    /** The path with every existing part resolved (links followed), the rest appended as given. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
