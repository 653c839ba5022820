package mpq.report;

/** One evaluated configuration on a size–accuracy plot: its label, weight bytes, top-1 (fraction), examples used. */
public record Point(String label, double weightBytes, double top1, int examples) {}
