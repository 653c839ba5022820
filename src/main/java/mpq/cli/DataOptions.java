package mpq.cli;

import java.nio.file.Path;
import mpq.data.Datasets;
import mpq.data.Preprocess;
import picocli.CommandLine.Option;

/** Where the data comes from and how raw values become model inputs. */
final class DataOptions {
    @Option(names = "--format", paramLabel = "F", description = "Data format when the file name does not tell: "
            + Datasets.FORMATS + ".")
    String format;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N examples (default: all).")
    int limit;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 128;

    @Option(names = "--scale", paramLabel = "S", description = "Divide raw values by S first (default: 1; use 255 for "
            + "pixels scaled to 0..1).")
    float scale = 1f;

    @Option(names = "--mean", paramLabel = "a,b,c", split = ",", description = "Per-channel mean subtracted after "
            + "scaling (one value or one per channel; default 0).")
    float[] mean = {0f};

    @Option(names = "--std", paramLabel = "a,b,c", split = ",", description = "Per-channel standard deviation divided "
            + "by last (default 1).")
    float[] std = {1f};

    Preprocess preprocess() {
        return new Preprocess(scale, mean, std);
    }

    int batch() {
        if (batch < 1) {
            throw new mpq.base.BadInputException("--batch must be at least 1, got " + batch);
        }
        return batch;
    }

    int limit() {
        if (limit < 0) {
            throw new mpq.base.BadInputException("--limit must not be negative, got " + limit);
        }
        return limit;
    }

    static Path path(String s) {
        return Path.of(s);
    }
}
