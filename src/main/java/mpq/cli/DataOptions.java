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

    /** Labelled data for a model's input, with these options' format, preprocessing, batch and limit. */
    mpq.eval.EvalSet evalSet(Path file, mpq.graph.ValueInfo in, String modelName, mpq.base.Progress progress) {
        return mpq.eval.EvalSet.open(file, format, in, modelName, preprocess(), batch(), limit(), progress);
    }

    /** The options that restate the data settings (defaults left out), for printing reproducible commands. */
    java.util.List<String> options() {
        java.util.List<String> o = new java.util.ArrayList<>();
        if (format != null) {
            o.addAll(java.util.List.of("--format", format));
        }
        if (limit > 0) {
            o.addAll(java.util.List.of("--limit", Integer.toString(limit)));
        }
        if (batch != 128) {
            o.addAll(java.util.List.of("--batch", Integer.toString(batch)));
        }
        if (scale != 1f) {
            o.addAll(java.util.List.of("--scale", Output.number(scale)));
        }
        if (!(mean.length == 1 && mean[0] == 0f)) {
            o.addAll(java.util.List.of("--mean", Output.numbers(mean)));
        }
        if (!(std.length == 1 && std[0] == 1f)) {
            o.addAll(java.util.List.of("--std", Output.numbers(std)));
        }
        return o;
    }
}
