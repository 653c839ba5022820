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

    @Option(names = "--latency", paramLabel = "V", description = "Budget: total latency in the cost model's unit "
            + "(the accelerators: ms per batch).")
    Double latency;

    @Option(names = "--latency-fraction", paramLabel = "R", description = "Budget: R × the latency of uniform W8A8 "
            + "under the cost model (e.g. 0.6).")
    Double latencyFraction;

    @Option(names = "--energy", paramLabel = "E", description = "Budget: total energy in the cost model's unit "
            + "(the accelerators: mJ per batch).")
    Double energy;

    @Option(names = "--energy-fraction", paramLabel = "R", description = "Budget: R × the energy of uniform W8A8 "
            + "under the cost model.")
    Double energyFraction;

    @Option(names = "--cost-model", paramLabel = "NAME|FILE", description = "What --latency and --energy count in: "
            + "bismo-edge, bismo-cloud, bitfusion-edge, bitfusion-cloud (mpq methods lists their parameters), an "
            + "accelerator spec file (a copy of one of those, edited) or a cost-table file.")
    String costModel;

    @Option(names = "--cost-table", paramLabel = "F", description = "A measured JSON cost table (e.g. from mpq "
            + "profile) for --latency / --energy: the same as --cost-model F.")
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
        add(o, "--latency", latency);
        add(o, "--latency-fraction", latencyFraction);
        add(o, "--energy", energy);
        add(o, "--energy-fraction", energyFraction);
        if (costModel != null) {
            o.addAll(List.of("--cost-model", costModel));
        }
        if (costTable != null) {
            o.addAll(List.of("--cost-table", costTable.toString()));
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
        hardware(list, "latency", latency, false);
        hardware(list, "latency", latencyFraction, true);
        hardware(list, "energy", energy, false);
        hardware(list, "energy", energyFraction, true);
        if (list.isEmpty()) {
            throw new BadInputException("give a budget: --avg-w-bits, --size, --size-of-uniform, --bops, "
                    + "--latency(-fraction) or --energy(-fraction)");
        }
        if ((costModel != null || costTable != null) && list.stream().noneMatch(b -> b instanceof BudgetSpec.Hardware)) {
            throw new BadInputException("--cost-model and --cost-table are what --latency / --energy (or their "
                    + "-fraction forms) count in; give one of those budgets");
        }
        return list;
    }

    private void hardware(List<BudgetSpec> list, String resource, Double value, boolean fraction) {
        if (value == null) {
            return;
        }
        String option = "--" + resource + (fraction ? "-fraction" : "");
        if (costModel != null && costTable != null) {
            throw new BadInputException("give --cost-model or --cost-table, not both");
        }
        if (costModel == null && costTable == null) {
            throw new BadInputException(option + " needs --cost-model (" + String.join(", ",
                    mpq.hardware.Accelerator.BUILT_IN) + " or a spec file) or --cost-table F (a measured table)");
        }
        list.add(new BudgetSpec.Hardware(costModel != null ? costModel : costTable.toString(), resource, value,
                fraction));
    }

    private static void add(List<String> o, String option, Double value) {
        if (value != null) {
            o.addAll(List.of(option, Output.number(value)));
        }
    }
}
