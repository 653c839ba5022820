package mpq.cli;

import java.io.IOException;
import java.nio.file.Path;
import mpq.base.BadInputException;
import mpq.data.Batches;
import mpq.data.Dataset;
import mpq.data.Preprocess;
import mpq.graph.ValueInfo;
import picocli.CommandLine.Option;

/** Where calibration examples come from and how many: --calib, --calib-limit, --seed. */
final class CalibrationOptions {
    @Option(names = "--calib", required = true, paramLabel = "D", description = "Calibration data (labels unused): "
            + "any format eval reads. Use training data, never the test set.")
    Path calib;

    @Option(names = "--calib-limit", paramLabel = "N", description = "Calibration examples, a random sample drawn "
            + "with --seed (default: ${DEFAULT-VALUE}; 0 = all).")
    int calibLimit = 1024;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for the calibration sample (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    /** The calibration examples for a model's input, preprocessed, in memory. */
    Batches load(ValueInfo in, String modelName, DataOptions data, Preprocess pre) {
        if (calibLimit < 0) {
            throw new BadInputException("--calib-limit must not be negative, got " + calibLimit);
        }
        try (Dataset d = ModelInput.open(calib, data, in, modelName, pre)) {
            return Batches.sample(d, pre, calibLimit, data.batch(), seed);
        } catch (IOException e) {
            throw new BadInputException(calib + ": " + e.getMessage());
        }
    }
}
