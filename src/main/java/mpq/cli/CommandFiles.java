package mpq.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mpq.base.OutputPaths;

/** The files a command reads and writes, so that it can refuse an output over an input before doing any work. */
final class CommandFiles {
    private final List<Path> inputs = new ArrayList<>(), outputs = new ArrayList<>();

    /** Input files; nulls (options not given) are skipped. */
    CommandFiles reads(Path... files) {
        Arrays.stream(files).filter(java.util.Objects::nonNull).forEach(inputs::add);
        return this;
    }

    /** Input files named in NAME=FILE[,NAME=FILE…] specs (e.g. --calib, --input); a plain file counts too. */
    CommandFiles readsSpecs(String... specs) {
        for (String spec : specs) {
            if (spec == null) {
                continue;
            }
            for (String part : spec.split(",")) {
                Path p = Path.of(part.substring(part.indexOf('=') + 1));
                if (Files.exists(p)) {
                    inputs.add(p);
                }
            }
        }
        return this;
    }

    /** Output files; nulls are skipped. */
    CommandFiles writes(Path... files) {
        Arrays.stream(files).filter(java.util.Objects::nonNull).forEach(outputs::add);
        return this;
    }

    /** The named files in an output folder (when the folder is given). */
    CommandFiles writesIn(Path dir, List<String> names) {
        if (dir != null) {
            names.forEach(n -> outputs.add(dir.resolve(n)));
        }
        return this;
    }

    /** Refuses the command when one of its outputs is one of its inputs. */
    void check() {
        OutputPaths.refuseInputs(outputs, inputs);
    }
}
