package mpq.sensitivity;

import java.util.List;
import mpq.base.BadInputException;

/** The sensitivity metrics by name. */
public final class Metrics {
    private Metrics() {}

    public static final List<String> NAMES = List.of("hawq", "hawq-v2", "zeroq-kl", "mse", "fisher");

    public static SensitivityMetric byName(String name) {
        return switch (name) {
            case "hawq" -> new HawqMetric(false);
            case "hawq-v2" -> new HawqMetric(true);
            case "zeroq-kl" -> new OutputDivergenceMetric(true);
            case "mse" -> new OutputDivergenceMetric(false);
            case "fisher" -> new FisherMetric();
            default -> throw new BadInputException("unknown sensitivity metric '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }
}
