package mpq.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time per stage, in the order the stages ran: for --verbose and the JSON output. */
public final class StageTimer {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private long last = start;

    /** Ends the current stage: the time since the previous lap (or the start) is added to stage. */
    public void lap(String stage) {
        long now = System.nanoTime();
        seconds.merge(stage, (now - last) / 1e9, Double::sum);
        last = now;
    }

    /** Adds a stage timed elsewhere (e.g. inside a library call), as if it had run now. */
    public void add(String stage, double s) {
        seconds.merge(stage, s, Double::sum);
        last += (long) (s * 1e9);
    }

    public Map<String, Double> seconds() {
        return seconds;
    }

    public double total() {
        return (last - start) / 1e9;
    }

    /** "load 0.4 s, calibrate 1.1 s, …, total 47.3 s". */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        seconds.forEach((stage, s) -> sb.append(String.format("%s %.1f s, ", stage, s)));
        return sb.append(String.format("total %.1f s", total())).toString();
    }
}
