package mpq.quant;

import java.util.List;
import mpq.base.BadInputException;

/** The range estimators by name: minmax, percentile[:P], mse, aciq, entropy. */
public final class Estimators {
    private Estimators() {}

    public static final List<String> NAMES = List.of("minmax", "percentile", "mse", "aciq", "entropy");

    /** What weights use when the named estimator is for activations only. */
    public static final String FOR_WEIGHTS_INSTEAD = "mse";

    /** The estimator for weights that a user's choice implies: itself, unless it is for activations only. */
    public static String forWeights(String name) {
        return byName(name).forWeights() ? name : FOR_WEIGHTS_INSTEAD;
    }

    /** The estimator a user named; "percentile:99.9" sets the percentile. */
    public static RangeEstimator byName(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("percentile:")) {
            String p = n.substring("percentile:".length());
            try {
                return new PercentileEstimator(Double.parseDouble(p));
            } catch (NumberFormatException e) {
                throw new BadInputException("estimator '" + name + "': '" + p + "' is not a number");
            } catch (IllegalArgumentException e) {
                throw new BadInputException("estimator '" + name + "': " + e.getMessage());
            }
        }
        return switch (n) {
            case "minmax" -> new MinMaxEstimator();
            case "percentile" -> new PercentileEstimator(PercentileEstimator.DEFAULT_PERCENT);
            case "mse" -> new MseEstimator();
            case "aciq" -> new AciqEstimator();
            case "entropy" -> new EntropyEstimator();
            default -> throw new BadInputException("unknown range estimator '" + name + "'; known: "
                    + String.join(", ", NAMES) + " (percentile:P sets the percentile)");
        };
    }
}
