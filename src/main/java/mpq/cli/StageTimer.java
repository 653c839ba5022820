package mpq.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time per stage of a command, in the order the stages ran: for --verbose and the JSON output. */
final class StageTimer {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private long last = start;

    /** Ends the current stage: the time since the previous lap (or the start) is added to stage. */
    void lap(String stage) {
        long now = System.nanoTime();
        seconds.merge(stage, (now - last) / 1e9, Double::sum);
        last = now;
    }

    Map<String, Double> seconds() {
        return seconds;
    }

    double total() {
        return (last - start) / 1e9;
    }

    /** "load 0.4 s, calibrate 1.1 s, …, total 47.3 s". */
    String summary() {
        StringBuilder sb = new StringBuilder();
        seconds.forEach((stage, s) -> sb.append(String.format("%s %.1f s, ", stage, s)));
        return sb.append(String.format("total %.1f s", total())).toString();
    }
}
