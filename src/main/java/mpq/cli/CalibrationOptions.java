package mpq.cli;

import java.io.IOException;
import java.nio.file.Path;
import mpq.base.BadInputException;
import mpq.data.Batches;
import mpq.data.Dataset;
import mpq.data.Distiller;
import mpq.data.ModelInput;
import mpq.data.Preprocess;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import picocli.CommandLine.Option;

/** Where calibration examples come from and how many: --calib, --calib-limit, --seed. */
final class CalibrationOptions {
    @Option(names = "--calib", required = true, paramLabel = "D", description = "Calibration data (labels unused): "
            + "any format eval reads (use training data, never the test set); or 'distilled' / 'distilled:N' for N "
            + "inputs (default " + DEFAULT_DISTILLED + ") distilled from the model's BatchNormalization statistics "
            + "(ZeroQ; no data needed, see mpq distill). A model with several inputs takes one .npy array [N, …] per "
            + "input: NAME=FILE.npy[,NAME=FILE.npy…].")
    Path calib;

    static final int DEFAULT_DISTILLED = 64;

    @Option(names = "--calib-preprocessed", description = "The --calib file holds model inputs already (e.g. written "
            + "by mpq distill): --scale/--mean/--std apply to the evaluation data only.")
    boolean calibPreprocessed;

    @Option(names = "--calib-limit", paramLabel = "N", description = "Calibration examples, a random sample drawn "
            + "with --seed (default: ${DEFAULT-VALUE}; 0 = all).")
    int calibLimit = 1024;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for the calibration sample (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    /** True for --calib distilled[:N]. */
    boolean distilled() {
        String s = calib.toString();
        return s.equals("distilled") || s.startsWith("distilled:");
    }

    /** The N of distilled:N. */
    int distilledCount() {
        String s = calib.toString();
        if (s.equals("distilled")) {
            return DEFAULT_DISTILLED;
        }
        try {
            int n = Integer.parseInt(s.substring("distilled:".length()));
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("--calib '" + s + "': expected distilled or distilled:N with N ≥ 1");
    }

    /** The options as given (defaults left out), for printing reproducible commands. */
    java.util.List<String> options() {
        java.util.List<String> o = new java.util.ArrayList<>(java.util.List.of("--calib", calib.toString()));
        if (calibPreprocessed) {
            o.add("--calib-preprocessed");
        }
        if (calibLimit != 1024) {
            o.addAll(java.util.List.of("--calib-limit", Integer.toString(calibLimit)));
        }
        if (seed != 0) {
            o.addAll(java.util.List.of("--seed", Long.toString(seed)));
        }
        return o;
    }

    /** --calib NAME=FILE.npy,…: one array per model input, each checked against what the model declares. */
    private Batches perInput(Graph model, String modelName, int batch) {
        java.util.Map<String, Path> files = NamedFiles.parse("--calib", calib.toString());
        java.util.Map<String, mpq.tensor.Tensor> arrays = mpq.eval.ModelRun.readInputs(model, modelName, files, true);
        for (ValueInfo in : model.inputs()) {
            if (!arrays.containsKey(in.name())) {
                throw new BadInputException("--calib " + calib + ": no array for " + modelName + " input '" + in.name()
                        + "' (" + in.type().name().toLowerCase(java.util.Locale.ROOT) + " " + in.shapeString() + ")");
            }
        }
        return Batches.ofInputs(arrays, calibLimit, batch, seed, calib.toString());
    }

    /**
     * The calibration examples for a model's input, preprocessed, in memory; distilled ones are model inputs
     * already (the preprocessing does not apply).
     */
    Batches load(Graph model, ValueInfo in, String modelName, DataOptions data, Preprocess pre, int threads) {
        return load(model, in, modelName, data, pre, threads, null);
    }

    /** The same; with text options giving a tokenizer, --calib holds sentence pairs and --calib-limit counts sentences. */
    Batches load(Graph model, ValueInfo in, String modelName, DataOptions data, Preprocess pre, int threads,
                 TextOptions text) {
        if (calibLimit < 0) {
            throw new BadInputException("--calib-limit must not be negative, got " + calibLimit);
        }
        if (text != null && text.text()) {
            try (mpq.data.TextEncoder encoder = text.open()) {
                return Batches.ofSentences(mpq.data.SentencePairs.read(calib).sentences(), encoder, model.inputs(),
                        calibLimit, data.batch(), seed, calib.toString());
            }
        }
        if (distilled()) {
            Distiller.Result r = Distiller.distill(model, modelName, Distiller.Settings.defaults(distilledCount(), seed),
                    threads, new ConsoleProgress());
            Output.human().printf("distilled %d inputs from %s in %.1f s (statistics loss %.4g → %.4g)%n",
                    r.data().examples(), modelName, r.seconds(), r.initialLoss(), r.finalLoss());
            return r.data();
        }
        if (calib.toString().contains("=")) {
            return perInput(model, modelName, data.batch());
        }
        if (in == null) {
            throw new BadInputException(modelName + " has " + model.inputs().size() + " inputs; give one .npy array "
                    + "per input: --calib NAME=FILE.npy,NAME=FILE.npy…");
        }
        Preprocess p = calibPreprocessed ? Preprocess.IDENTITY : pre;
        try (Dataset d = ModelInput.open(calib, data.format, data.imageOptions(), in, modelName, p)) {
            return Batches.sample(d, p, calibLimit, data.batch(), seed).as(in.type());
        } catch (IOException e) {
            throw new BadInputException(calib + ": " + e.getMessage());
        }
    }
}
