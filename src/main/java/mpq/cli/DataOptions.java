package mpq.cli;

import java.nio.file.Path;
import mpq.data.Datasets;
import mpq.data.ImageOptions;
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

    @Option(names = "--resize", paramLabel = "S", description = "Images: cut the centred square of --crop-fraction × "
            + "the shorter side, then scale it bilinearly to S × S (the model's input size). Without --resize or "
            + "--crop-fraction the shorter side is scaled to the input and the centre cropped.")
    int resize;

    @Option(names = "--crop-fraction", paramLabel = "F", description = "Images: the centred square's side as a "
            + "fraction of the shorter side (default with --resize: " + ImageOptions.IMAGENET_CROP + ", the ImageNet "
            + "convention; 1.0 keeps it whole).")
    double cropFraction;

    @Option(names = "--label-offset", paramLabel = "N", description = "Add N to every label of image data (1 for "
            + "TF-slim models with 1001 classes whose class 0 is background; default 0).")
    int labelOffset;

    ImageOptions imageOptions() {
        return new ImageOptions(resize, cropFraction, labelOffset);
    }

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
        return mpq.eval.EvalSet.open(file, format, imageOptions(), in, modelName, preprocess(), batch(), limit(), progress);
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
        if (resize > 0) {
            o.addAll(java.util.List.of("--resize", Integer.toString(resize)));
        }
        if (cropFraction > 0) {
            o.addAll(java.util.List.of("--crop-fraction", Output.number(cropFraction)));
        }
        if (labelOffset != 0) {
            o.addAll(java.util.List.of("--label-offset", Integer.toString(labelOffset)));
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
