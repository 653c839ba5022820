package mpq.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mpq.base.BadInputException;

/** An option's NAME=FILE[,NAME=FILE…] value: one tensor file per model input. */
final class NamedFiles {
    private NamedFiles() {}

    static Map<String, Path> parse(String option, String spec) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(option + " " + spec + ": expected NAME=FILE.npy[,NAME=FILE.npy…], got '"
                        + part + "'");
            }
            files.put(part.substring(0, eq), Path.of(part.substring(eq + 1)));
        }
        return files;
    }
}
