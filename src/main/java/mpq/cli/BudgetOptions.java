package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mpq.base.BadInputException;
import mpq.pipeline.BudgetSpec;
import picocli.CommandLine.Option;

/** The budget options of search and compare-methods; any number of them at once (the ILP meets them all). */
final class BudgetOptions {
    @Option(names = "--avg-w-bits", paramLabel = "X", description = "Budget: average weight bits over the layers' weights.")
    Double avgWBits;

    @Option(names = "--size", paramLabel = "BYTES", description = "Budget: all parameters' bytes (as quantize reports).")
    Long size;

    @Option(names = "--size-of-uniform", paramLabel = "B", description = "Budget: the size of uniform B-bit weights "
            + "(first and last layers at 8 bits).")
    Integer sizeOfUniform;

    @Option(names = "--bops", paramLabel = "G", description = "Budget: giga bit-operations per example.")
    Double bops;

    @Option(names = "--latency", paramLabel = "V", description = "Budget: total of --cost-table's measure (e.g. ms).")
    Double latency;

    @Option(names = "--cost-table", paramLabel = "F", description = "JSON cost table for --latency (see TableCost).")
    Path costTable;

    /** The options as given, for printing reproducible commands. */
    List<String> options() {
        List<String> o = new ArrayList<>();
        if (avgWBits != null) {
            o.addAll(List.of("--avg-w-bits", Output.number(avgWBits)));
        }
        if (size != null) {
            o.addAll(List.of("--size", Long.toString(size)));
        }
        if (sizeOfUniform != null) {
            o.addAll(List.of("--size-of-uniform", Integer.toString(sizeOfUniform)));
        }
        if (bops != null) {
            o.addAll(List.of("--bops", Output.number(bops)));
        }
        if (latency != null) {
            o.addAll(List.of("--latency", Output.number(latency), "--cost-table", String.valueOf(costTable)));
        }
        return o;
    }

    List<BudgetSpec> specs() {
        List<BudgetSpec> list = new ArrayList<>();
        if (avgWBits != null) {
            list.add(new BudgetSpec.AvgWeightBits(avgWBits));
        }
        if (size != null) {
            list.add(new BudgetSpec.Size(size));
        }
        if (sizeOfUniform != null) {
            list.add(new BudgetSpec.SizeOfUniform(sizeOfUniform));
        }
        if (bops != null) {
            list.add(new BudgetSpec.Bops(bops));
        }
        if (latency != null) {
            if (costTable == null) {
                throw new BadInputException("--latency needs --cost-table with the measured costs");
            }
            list.add(new BudgetSpec.Measured(costTable, latency));
        }
        if (list.isEmpty()) {
            throw new BadInputException("give a budget: --avg-w-bits, --size, --size-of-uniform, --bops or --latency");
        }
        return list;
    }
}
