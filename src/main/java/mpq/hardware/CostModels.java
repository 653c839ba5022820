package mpq.hardware;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import mpq.base.BadInputException;
import mpq.base.Method;
import mpq.base.Method.Need;
import mpq.base.Registry;

/**
 * The cost models by name, each made for the resource a budget counts ("size", "latency", "energy", …). The budget
 * options of search and compare-methods name them: --size / --size-of-uniform → size, --avg-w-bits → weight-bits,
 * --bops → bops; --latency / --energy (and their -fraction forms) count in --cost-model (an accelerator below, or a
 * spec or table file) or in --cost-table's measured table (mpq's JSON, or HAQ's [layers][8][8] .npy).
 */
public final class CostModels {
    private CostModels() {}

    public static final Registry<Function<String, CostModel>> REGISTRY = registry();

    private static Registry<Function<String, CostModel>> registry() {
        Registry<Function<String, CostModel>> r = new Registry<Function<String, CostModel>>(Method.Kind.COST_MODEL)
                .add("size", "weight memory: packed weights plus a float32 scale and a zero point per channel",
                        List.of(), true, () -> only("size", new SizeCost()))
                .add("weight-bits", "weight bits without overhead (parameters × bits): average-bits budgets",
                        List.of(), true, () -> only("weight bits", new WeightBitsCost()))
                .add("bops", "bit operations: multiply-accumulates per example × weight bits × activation bits",
                        List.of(), true, () -> only("bops", new BopsCost()))
                .add("table", "latency or energy measured on the target, per layer or op type and (w, a), "
                        + "from a JSON table (e.g. mpq profile's)", List.of(Need.COST_TABLE), true,
                        () -> resource -> {
                            throw new BadInputException("the table cost model is read from --cost-table FILE");
                        });
        for (String name : Accelerator.BUILT_IN) {
            Accelerator a = Accelerator.builtIn(name);
            r.add(name, a.description() + ": latency (ms) and energy (mJ) per batch; " + a.parameters(), List.of(),
                    true, () -> resource -> accelerator(a, resource));
        }
        return r;
    }

    /**
     * The cost model a --latency or --energy budget counts in: a registered name, an accelerator spec file (it has an
     * "array") or a cost-table file, for the given resource.
     */
    public static CostModel forResource(String nameOrFile, String resource) {
        return forResource(nameOrFile, resource, null);
    }

    /**
     * The same for a model whose quantizable layers are known, in order (a HAQ lookup table, .npy, is indexed by
     * position); null layers only checks the file.
     */
    public static CostModel forResource(String nameOrFile, String resource, List<String> layers) {
        if (REGISTRY.names().contains(nameOrFile)) {
            return REGISTRY.create(nameOrFile).apply(resource);
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("--cost-model '" + nameOrFile + "' is neither a known cost model ("
                    + String.join(", ", REGISTRY.names()) + ") nor a file");
        }
        if (HaqLookupTable.isNpy(file)) {
            return new HaqLookupTable(file, resource, layers);
        }
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return Accelerator.isSpec(root) ? accelerator(Accelerator.parse(root, file.toString()), resource)
                : table(file, resource);
    }

    /** A measured table, which must count the resource asked for. */
    public static CostModel table(Path file, String resource) {
        TableCost t = new TableCost(file);
        if (!t.resource().equals(resource)) {
            throw new BadInputException(file + ": the table measures " + t.resource() + ", not " + resource);
        }
        return t;
    }

    private static CostModel accelerator(Accelerator a, String resource) {
        if (!resource.equals(AcceleratorCost.LATENCY) && !resource.equals(AcceleratorCost.ENERGY)) {
            throw new BadInputException("accelerator " + a.name() + " counts latency and energy, not " + resource);
        }
        return new AcceleratorCost(a, resource);
    }

    private static Function<String, CostModel> only(String resource, CostModel model) {
        return asked -> {
            if (!asked.equals(resource)) {
                throw new BadInputException("the " + resource + " cost model does not count " + asked);
            }
            return model;
        };
    }
}
