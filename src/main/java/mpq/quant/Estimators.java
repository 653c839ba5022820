package mpq.quant;

import java.util.List;
import mpq.base.BadInputException;

/** The range estimators by name: minmax, percentile[:P], mse, lp:P, aciq, entropy. */
public final class Estimators {
    private Estimators() {}

    public static final List<String> NAMES = List.of("minmax", "percentile", "mse", "aciq", "entropy");

    /** What weights use when the named estimator is for activations only. */
    public static final String FOR_WEIGHTS_INSTEAD = "mse";

    /** The estimator for weights that a user's choice implies: itself, unless it is for activations only. */
    public static String forWeights(String name) {
        return byName(name).forWeights() ? name : FOR_WEIGHTS_INSTEAD;
    }

    /** The estimator a user named; "percentile:99.9" sets the percentile, "lp:3" the norm's power. */
    public static RangeEstimator byName(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("percentile:")) {
            double p = number(name, n.substring("percentile:".length()));
            try {
                return new PercentileEstimator(p);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("estimator '" + name + "': " + e.getMessage());
            }
        }
        if (n.startsWith("lp:")) {
            double p = number(name, n.substring("lp:".length()));
            try {
                return new LpEstimator(p);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("estimator '" + name + "': " + e.getMessage());
            }
        }
        return switch (n) {
            case "minmax" -> new MinMaxEstimator();
            case "percentile" -> new PercentileEstimator(PercentileEstimator.DEFAULT_PERCENT);
            case "mse" -> LpEstimator.mse();
            case "aciq" -> new AciqEstimator();
            case "entropy" -> new EntropyEstimator();
            default -> throw new BadInputException("unknown range estimator '" + name + "'; known: "
                    + String.join(", ", NAMES) + " (percentile:P sets the percentile, lp:P the norm's power)");
        };
    }

    private static double number(String name, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadInputException("estimator '" + name + "': '" + text + "' is not a number");
        }
    }
}
