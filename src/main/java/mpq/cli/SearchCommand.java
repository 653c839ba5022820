package mpq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.data.Batches;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.hardware.BopsCost;
import mpq.hardware.Budget;
import mpq.hardware.LayerShape;
import mpq.hardware.SizeCost;
import mpq.hardware.TableCost;
import mpq.hardware.WeightBitsCost;
import mpq.onnx.OnnxModel;
import mpq.quant.Estimators;
import mpq.quant.IntGrid;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.QuantRecipe;
import mpq.quant.RecipeJson;
import mpq.quant.WeightLayer;
import mpq.quant.WeightSize;
import mpq.report.SearchReport;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;
import mpq.search.Allocator;
import mpq.search.GreedyAllocator;
import mpq.search.IlpAllocator;
import mpq.search.ParetoAllocator;
import mpq.search.Problems;
import mpq.sensitivity.Metrics;
import mpq.sensitivity.RankCorrelation;
import mpq.sensitivity.SensitivityCache;
import mpq.sensitivity.SensitivityContext;
import mpq.sensitivity.SensitivityTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Mixed-precision search: per-layer sensitivities at every allowed weight bit-width, an "
                + "allocation that minimises their sum within the budget(s), then quantization with the chosen "
                + "bits and (with --eval) top-1.",
                "",
                "Example (the size of uniform 4-bit weights, HAWQ-V2 traces, ILP):",
                "  mpq search resnet20_cifar10.onnx --calib train_subset.bin --metric hawq-v2 \\",
                "      --allocator ilp --size-of-uniform 4 --eval test_batch.bin --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--metric", paramLabel = "M", description = "Sensitivity: hawq, hawq-v2, zeroq-kl, mse or fisher "
            + "(default: ${DEFAULT-VALUE}).")
    String metric = "hawq-v2";

    @Option(names = "--allocator", paramLabel = "A", description = "ilp (any budgets), pareto (one budget) or greedy "
            + "(default: ${DEFAULT-VALUE}).")
    String allocator = "ilp";

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

    @Option(names = "--a-bits", paramLabel = "B", description = "Activation bits of every layer (default: ${DEFAULT-VALUE}).")
    int aBits = 8;

    @Option(names = "--bits", split = ",", paramLabel = "B", description = "Allowed weight bit-widths "
            + "(default: ${DEFAULT-VALUE}); as the target takes them: on ort-x86 with 8-bit activations 8 becomes 7.")
    int[] bits = {2, 3, 4, 5, 6, 8};

    @Option(names = "--tie", paramLabel = "A,B,…", description = "Layers that must get the same bits: names or globs "
            + "(* and ?), comma-separated; repeatable. A glob ties every layer it matches.")
    List<String> tie = List.of();

    @Option(names = "--tie-adds", description = "Tie the layers whose outputs meet at one Add (e.g. a residual "
            + "block's last conv and its downsampling shortcut conv), as integer kernels add them on one scale.")
    boolean tieAdds;

    @Option(names = "--estimator", paramLabel = "E", description = "Range estimator (default: ${DEFAULT-VALUE}).")
    String estimator = "mse";

    @Option(names = "--weight-estimators", split = ",", paramLabel = "E", description = "Candidate range estimators "
            + "for the weights (e.g. mse,minmax): sensitivities are measured with each, and every layer and bit-width "
            + "gets the one its metric prefers (default: the weights' estimator of --estimator).")
    List<String> weightEstimators = List.of();

    @Option(names = "--tol", paramLabel = "T", description = "Hessian estimators' tolerance (default: ${DEFAULT-VALUE}).")
    double tol = 1e-3;

    @Option(names = "--max-iter", paramLabel = "N", description = "Hessian estimators' product cap (default: "
            + "${DEFAULT-VALUE}).")
    int maxIter = 100;

    @Option(names = "--rank-against", paramLabel = "JSON", description = "The --json output of an earlier search "
            + "(e.g. with other calibration data): print the Spearman rank correlation of its sensitivities with "
            + "these, per bit-width.")
    Path rankAgainst;

    @Option(names = "--no-cache", description = "Compute the sensitivities even when a cached table fits "
            + "(cache: $XDG_CACHE_HOME/mpq/sensitivity or ~/.cache/mpq/sensitivity).")
    boolean noCache;

    @Option(names = "--eval", paramLabel = "D", description = "Labelled data to measure top-1 on.")
    Path eval;

    @Option(names = "--export", paramLabel = "FILE", description = "Also write the quantized model as standard ONNX "
            + "(QDQ; see mpq export --help) with its recipe beside it; with --eval, ONNX Runtime runs it on the same "
            + "data and its top-1 is compared with the simulation.")
    Path export;

    @Option(names = "--out", paramLabel = "DIR", description = "Write bits.json, recipe.json and report.html here.")
    Path out;

    private List<Set<String>> ties = List.of();

    @Option(names = "--report-limit", paramLabel = "N", description = "With --out and --eval: the report's curve "
            + "(mixed precision at the sizes of uniform 2–6-bit weights, uniform 2/3/4/6/8 bits) is measured on the "
            + "first N evaluation examples (default: ${DEFAULT-VALUE}).")
    int reportLimit = 2000;

    @Mixin
    CalibrationOptions calibration;

    @Mixin
    QuantOptions quant;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Metrics.byName(metric);
        Allocator alloc = switch (allocator) {
            case "ilp" -> new IlpAllocator();
            case "pareto" -> new ParetoAllocator();
            case "greedy" -> new GreedyAllocator();
            default -> throw new BadInputException("unknown allocator '" + allocator + "'; known: ilp, pareto, greedy");
        };
        IntGrid.checkBits(aBits, "--a-bits");
        for (int b : bits) {
            IntGrid.checkBits(b, "--bits value");
        }
        Estimators.byName(estimator);
        Preprocess pre = dataOptions.preprocess();
        StageTimer stages = new StageTimer();
        Graph g = OnnxModel.load(model).graph();
        ValueInfo in = ModelInput.single(g, model.toString());
        long t0 = System.nanoTime();
        Batches data = calibration.load(g, in, model.toString(), dataOptions, pre, common.threads());
        stages.lap("load");
        ConsoleProgress progress = new ConsoleProgress();
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(g, data, common.threads(), progress);
        QuantConfig base = quant.config(8, aBits, Estimators.forWeights(estimator), estimator);
        List<Budget> budgets = budgets(cal, base);
        stages.lap("calibrate");
        SensitivityTable table = candidates(cal, base, pre, progress);
        stages.lap("sensitivities (" + metric + (sensitivitiesCached ? ", cached" : "") + ")");
        Set<String> edges = quant.keepFirstLast ? cal.targets().edgeLayers() : Set.of();
        ties = ties(cal, table.layers());
        Chosen c = allocate(cal, base, table, edges, budgets, alloc);
        Map<String, Integer> chosen = c.bits();
        Allocation a = c.allocation();
        PostTrainingQuantizer.Result r = c.result();
        stages.lap("allocate and quantize");
        double searchSeconds = (System.nanoTime() - t0) / 1e9;
        EvalResult q = null;
        if (eval != null) {
            try (EvalSet set = EvalSet.open(eval, in, model.toString(), dataOptions, pre, progress)) {
                q = set.evaluate(r.quantized(), common.threads());
            }
            stages.lap("evaluate");
        }
        long bytes = WeightSize.bytes(r.floatGraph(), r.recipe());
        double totalBops = 0;
        for (LayerShape s : LayerShape.of(cal.floatGraph())) {
            totalBops += new BopsCost().cost(s, chosen.get(s.name()), aBits, true);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("metric", metric);
        j.put("allocator", allocator);
        j.put("target", base.target().name());
        j.put("a_bits", aBits);
        List<Map<String, Object>> bl = new ArrayList<>();
        for (int i = 0; i < budgets.size(); i++) {
            bl.add(Map.of("resource", budgets.get(i).model().resource(), "limit", budgets.get(i).limit(),
                    "used", a.cost()[i], "unit", budgets.get(i).model().unit()));
        }
        j.put("budgets", bl);
        Map<String, Object> bitsJson = new LinkedHashMap<>();
        chosen.forEach((name, b) -> {
            Map<String, Object> x = new LinkedHashMap<>(Map.of("w", b, "a", aBits));
            if (cellEstimator != null) {
                x.put("weight_estimator", weightEstimatorOf(table, name, b));
            }
            bitsJson.put(name, x);
        });
        j.put("bits", bitsJson);
        j.put("ties", ties.stream().map(List::copyOf).toList());
        j.put("total_sensitivity", a.sensitivity());
        j.put("sensitivities", table.toJson());
        RankCorrelation rank = rankAgainst == null ? null : rankCorrelation(table);
        if (rank != null) {
            Map<String, Object> rj = new LinkedHashMap<>();
            rj.put("against", rankAgainst.toString());
            rj.put("bits", rank.bits());
            rj.put("spearman", rank.perBits());
            rj.put("mean", rank.mean());
            j.put("rank_correlation", rj);
        }
        j.put("weight_bytes", bytes);
        j.put("bops", totalBops);
        j.put("search_seconds", searchSeconds);
        if (q != null) {
            j.put("top1", q.top1());
            j.put("top1_correct", q.top1Correct());
            j.put("eval_images", q.count());
        }
        if (out != null) {
            mpq.base.AtomicFiles.write(out.resolve("bits.json"), o -> Output.writeJson(o, j));
            ObjectNode recipe = RecipeJson.toJson(r.recipe());
            recipe.put("model", model.toString());
            RecipeJson.write(recipe, out.resolve("recipe.json"));
            writeReport(cal, base, table, edges, alloc, chosen, j, in, pre, progress);
            stages.lap("report");
        }
        Map<String, Object> exported = null;
        if (export != null) {
            exported = ExportCommand.export(r, model, g, export, eval, dataOptions, common);
            j.put("export", exported);
            stages.lap("export");
        }
        j.put("stage_seconds", stages.seconds());
        if (common.json) {
            Output.json(j);
        } else {
            print(table, chosen, a, budgets, bytes, totalBops, q, searchSeconds);
            if (rank != null) {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < rank.bits().length; k++) {
                    sb.append(String.format("%s%d-bit %.3f", k == 0 ? "" : ", ", rank.bits()[k], rank.perBits()[k]));
                }
                Output.human().printf("Spearman rank correlation of the layers' sensitivities with %s: %s (mean %.3f)%n",
                        rankAgainst.getFileName(), sb, rank.mean());
            }
        }
        if (exported != null && !common.json) {
            ExportCommand.print(exported);
        }
        if (common.verbose) {
            Output.human().println("stages: " + stages.summary());
        }
        return 0;
    }

    private RankCorrelation rankCorrelation(SensitivityTable table) {
        SensitivityTable other;
        try {
            other = SensitivityTable.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.nio.file.Files.readAllBytes(rankAgainst)).get("sensitivities"));
            return RankCorrelation.of(table, other);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new BadInputException(rankAgainst + ": not the --json output of an mpq search on the same layers and "
                    + "bit-widths (" + e.getMessage() + ")");
        }
    }

    /** Whether a sensitivity table came from the cache (for the stage timings). */
    private boolean sensitivitiesCached;

    /** With --weight-estimators: per layer and bit-width, the estimator whose sensitivity is least (else null). */
    private String[][] cellEstimator;

    /**
     * The metric's table for each candidate weight estimator, merged: each cell the least sensitivity of any
     * estimator, and {@link #cellEstimator} says whose.
     */
    private SensitivityTable candidates(PostTrainingQuantizer.Calibrated cal, QuantConfig base, Preprocess pre,
                                        ConsoleProgress progress) {
        List<String> list = weightEstimators.isEmpty() ? List.of(base.defaults().weightEstimator()) : weightEstimators;
        SensitivityTable merged = null;
        for (String e : list) {
            Estimators.byName(e);
            QuantConfig cfg = base.withDefaults(base.defaults().withWeightEstimator(e));
            SensitivityContext ctx = new SensitivityContext(cal, cfg, bits.clone(), common.threads(),
                    calibration.seed, tol, maxIter);
            SensitivityTable t = sensitivities(ctx, pre, progress, e);
            if (merged == null) {
                merged = t;
                cellEstimator = list.size() > 1 ? new String[t.layers().size()][t.bits().length] : null;
                if (cellEstimator != null) {
                    for (String[] row : cellEstimator) {
                        java.util.Arrays.fill(row, e);
                    }
                }
                continue;
            }
            double[][] v = new double[t.layers().size()][];
            for (int l = 0; l < v.length; l++) {
                v[l] = merged.values()[l].clone();
                for (int k = 0; k < v[l].length; k++) {
                    if (t.value(l, k) < v[l][k]) {
                        v[l][k] = t.value(l, k);
                        cellEstimator[l][k] = e;
                    }
                }
            }
            merged = new SensitivityTable(merged.metric(), merged.layers(), merged.bits(), v);
        }
        return merged;
    }

    /** The weight estimator --weight-estimators chose for a layer at b bits; null with a single estimator. */
    private String weightEstimatorOf(SensitivityTable table, String layer, int b) {
        return cellEstimator == null ? null : cellEstimator[table.layers().indexOf(layer)][indexOf(table.bits(), b)];
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The metric's table, from the cache when everything it depends on is the same. */
    private SensitivityTable sensitivities(SensitivityContext ctx, Preprocess pre, ConsoleProgress progress,
                                           String weightEstimator) {
        SensitivityCache cache = SensitivityCache.standard();
        String key;
        try {
            // The weights' estimator is named only when it is not the one --estimator implies (older keys stay valid).
            String est = weightEstimator.equals(Estimators.forWeights(estimator)) ? estimator
                    : estimator + "|w:" + weightEstimator;
            int version = Metrics.byName(metric).version();   // 1 is left out, so older keys stay valid
            // The bits as the target takes them (ctx.bits()): the same grids give the same table on any target.
            String description = String.join("|", version == 1 ? metric : metric + "@v" + version,
                    java.util.Arrays.toString(ctx.bits()), est,
                    Integer.toString(aBits), Boolean.toString(quant.perTensor), calibration.identity(),
                    Integer.toString(dataOptions.batch()), Float.toString(pre.scale()), java.util.Arrays.toString(pre.mean()),
                    java.util.Arrays.toString(pre.std()), Double.toString(tol), Integer.toString(maxIter));
            key = SensitivityCache.key(model, description);
        } catch (java.io.IOException e) {
            key = null;
        }
        if (!noCache && key != null) {
            SensitivityTable cached = cache.get(key);
            if (cached != null) {
                Output.human().println("sensitivities: from the cache (" + metric + ")");
                sensitivitiesCached = true;
                return cached;
            }
        }
        SensitivityTable t = Metrics.byName(metric).compute(ctx, progress);
        if (key != null) {
            try {
                cache.put(key, t);
            } catch (BadInputException e) {
                Output.human().println("note: the sensitivity cache is not writable (" + e.getMessage() + ")");
            }
        }
        return t;
    }

    /** The tie groups --tie and --tie-adds ask for (overlapping groups are merged by the problem builder). */
    private List<Set<String>> ties(PostTrainingQuantizer.Calibrated cal, List<String> layers) {
        List<Set<String>> groups = new ArrayList<>();
        if (tieAdds) {
            groups.addAll(cal.targets().addInputGroups(cal.floatGraph()));
        }
        for (String spec : tie) {
            Set<String> group = new java.util.LinkedHashSet<>();
            for (String part : spec.split(",")) {
                mpq.quant.LayerPattern p = new mpq.quant.LayerPattern(part.trim());
                List<String> hit = layers.stream().filter(p::matches).toList();
                if (hit.isEmpty()) {
                    throw new BadInputException("--tie '" + part.trim() + "' names no quantizable layer; known: "
                            + String.join(", ", layers));
                }
                group.addAll(hit);
            }
            groups.add(group);
        }
        return groups;
    }

    /** An allocation, the bits it gives each layer, and the model quantized with them. */
    private record Chosen(Allocation allocation, Map<String, Integer> bits, PostTrainingQuantizer.Result result) {}

    private Chosen allocate(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SensitivityTable table,
                            Set<String> edges, List<Budget> budgets, Allocator alloc) {
        AllocationProblem problem = Problems.build(table, LayerShape.of(cal.floatGraph()), edges, edgeBits(base),
                aBits, !quant.perTensor, budgets, ties);
        Allocation a;
        try {
            a = alloc.solve(problem);
        } catch (mpq.search.InfeasibleBudgetException e) {
            throw new BadInputException(inUserUnits(e, cal));
        }
        QuantConfig cfg = base.withKeepFirstLast(false);
        Map<String, Integer> chosen = new LinkedHashMap<>();
        for (int l = 0; l < problem.layers().size(); l++) {
            int b = problem.layers().get(l).bits()[a.choice()[l]];
            chosen.put(problem.layers().get(l).name(), b);
            String name = problem.layers().get(l).name();
            cfg = cfg.withOverride(new QuantConfig.Override(name, b, null, null, weightEstimatorOf(table, name, b)));
        }
        return new Chosen(a, chosen, PostTrainingQuantizer.quantize(cal, cfg, common.threads(), mpq.base.Progress.NONE));
    }

    /** The weight bits the first and last layers keep: 8, or what the target makes of 8 with their 8-bit inputs. */
    private int edgeBits(QuantConfig base) {
        int inputBits = Math.max(QuantConfig.EDGE_BITS, aBits);
        return base.target().weightBits(QuantConfig.EDGE_BITS, inputBits);
    }

    /** The size budget (on SizeCost) of uniform B-bit weights with the first and last layers at 8 bits. */
    private Budget uniformSize(PostTrainingQuantizer.Calibrated cal, QuantConfig base, int b) {
        QuantConfig u = base.withDefaults(base.defaults().withBits(b, aBits)).withKeepFirstLast(true);
        QuantRecipe r = PostTrainingQuantizer.quantize(cal, u, common.threads(), mpq.base.Progress.NONE).recipe();
        return new Budget(new SizeCost(), 8.0 * WeightSize.bytes(cal.floatGraph(), r) - otherBits(cal, layerParams(cal)));
    }

    /** report.html; with --eval, the curve of mixed precision and uniform points on the first --report-limit examples. */
    private void writeReport(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SensitivityTable table,
                             Set<String> edges, Allocator alloc, Map<String, Integer> chosen, Map<String, Object> j,
                             ValueInfo in, Preprocess pre, ConsoleProgress progress) {
        List<SearchReport.Point> mixed = new ArrayList<>(), uniform = new ArrayList<>();
        if (eval != null) {
            try (EvalSet set = EvalSet.open(eval, in, model.toString(), dataOptions, pre, progress)) {
                for (int b : new int[] {2, 3, 4, 5, 6}) {
                    Chosen c = allocate(cal, base, table, edges, List.of(uniformSize(cal, base, b)), alloc);
                    mixed.add(point("mixed, size of uniform " + b + "-bit", c.result(), set));
                }
                for (int b : new int[] {2, 3, 4, 6, 8}) {
                    QuantConfig u = base.withDefaults(base.defaults().withBits(b, aBits)).withKeepFirstLast(quant.keepFirstLast);
                    uniform.add(point("uniform W" + b + "A" + aBits, PostTrainingQuantizer.quantize(cal, u,
                            common.threads(), mpq.base.Progress.NONE), set));
                }
            }
        }
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", model.toString());
        summary.put("metric / allocator", metric + " / " + allocator);
        summary.put("activation bits", Integer.toString(aBits));
        summary.put("weight bytes", String.format("%,d", (Long) j.get("weight_bytes")));
        if (j.containsKey("top1")) {
            summary.put("top-1", String.format("%.2f%% (%d/%d)", 100 * (Double) j.get("top1"), (Integer) j.get("top1_correct"),
                    (Integer) j.get("eval_images")));
        }
        if (!mixed.isEmpty()) {
            summary.put("curve", "measured on the first " + Math.min(reportLimit, dataOptions.limit() > 0
                    ? dataOptions.limit() : Integer.MAX_VALUE) + " examples of " + eval.getFileName());
        }
        int[] bitsInOrder = table.layers().stream().mapToInt(chosen::get).toArray();
        String html = SearchReport.html("mpq search: " + model.getFileName(), summary, table, bitsInOrder, mixed, uniform);
        mpq.base.AtomicFiles.write(out.resolve("report.html"), o -> o.write(html.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private SearchReport.Point point(String label, PostTrainingQuantizer.Result r, EvalSet set) {
        int limit = dataOptions.limit() > 0 ? Math.min(dataOptions.limit(), reportLimit) : reportLimit;
        EvalResult res = set.evaluate(r.quantized(), common.threads(), limit);
        return new SearchReport.Point(label, WeightSize.bytes(r.floatGraph(), r.recipe()), res.top1());
    }

    /** The infeasibility message in the units of the option the user gave. */
    private String inUserUnits(mpq.search.InfeasibleBudgetException e, PostTrainingQuantizer.Calibrated cal) {
        long layerParams = layerParams(cal);
        return switch (e.resource()) {
            case "size" -> String.format("the size budget cannot be met; the smallest feasible size is %,d bytes",
                    (long) Math.ceil((e.smallest() + otherBits(cal, layerParams)) / 8));
            case "weight bits" -> String.format("the average-bits budget cannot be met; the smallest feasible "
                    + "--avg-w-bits is %.4f", e.smallest() / layerParams);
            case "bops" -> String.format("the BOPs budget cannot be met; the smallest feasible --bops is %.6g",
                    e.smallest() / 1e9);
            default -> e.getMessage();
        };
    }

    private static long layerParams(PostTrainingQuantizer.Calibrated cal) {
        long n = 0;
        for (WeightLayer l : cal.targets().layers()) {
            n += cal.floatGraph().weight(l.weight()).size();
        }
        return n;
    }

    /** Parameters outside the quantized weights (biases, …) count 32 bits each in the size, whatever the bits. */
    private static long otherBits(PostTrainingQuantizer.Calibrated cal, long layerParams) {
        return 8 * WeightSize.float32Bytes(cal.floatGraph()) - 32 * layerParams;
    }

    private List<Budget> budgets(PostTrainingQuantizer.Calibrated cal, QuantConfig base) {
        List<Budget> list = new ArrayList<>();
        long layerParams = layerParams(cal);
        long otherBits = otherBits(cal, layerParams);
        if (avgWBits != null) {
            list.add(new Budget(new WeightBitsCost(), avgWBits * layerParams));
        }
        if (size != null) {
            list.add(new Budget(new SizeCost(), 8.0 * size - otherBits));
        }
        if (sizeOfUniform != null) {
            IntGrid.checkBits(sizeOfUniform, "--size-of-uniform");
            list.add(uniformSize(cal, base, sizeOfUniform));
        }
        if (bops != null) {
            list.add(new Budget(new BopsCost(), bops * 1e9));
        }
        if (latency != null) {
            if (costTable == null) {
                throw new BadInputException("--latency needs --cost-table with the measured costs");
            }
            list.add(new Budget(new TableCost(costTable), latency));
        }
        if (list.isEmpty()) {
            throw new BadInputException("give a budget: --avg-w-bits, --size, --size-of-uniform, --bops or --latency");
        }
        return list;
    }

    private void print(SensitivityTable table, Map<String, Integer> chosen, Allocation a, List<Budget> budgets,
                       long bytes, double totalBops, EvalResult q, double seconds) {
        var o = Output.human();
        o.printf("%s: %s sensitivities, %s allocation, A%d, target %s, %.1f s%n%n", model.getFileName(), metric,
                allocator, aBits, quant.target().name(), seconds);
        List<String> header = new ArrayList<>(List.of("layer", "w bits"));
        if (cellEstimator != null) {
            header.add("w estimator");
        }
        for (int b : table.bits()) {
            header.add("sens@" + b);
        }
        Output.Table t = new Output.Table(header.toArray(String[]::new));
        for (int l = 0; l < table.layers().size(); l++) {
            int b = chosen.get(table.layers().get(l));
            List<Object> row = new ArrayList<>(List.of(table.layers().get(l), b));
            if (cellEstimator != null) {
                row.add(weightEstimatorOf(table, table.layers().get(l), b));
            }
            for (int k = 0; k < table.bits().length; k++) {
                row.add(String.format("%.3g", table.value(l, k)));
            }
            t.add(row.toArray());
        }
        t.print(o);
        for (int i = 0; i < budgets.size(); i++) {
            o.printf("%s: %.6g of %.6g %s%n", budgets.get(i).model().resource(), a.cost()[i], budgets.get(i).limit(),
                    budgets.get(i).model().unit());
        }
        for (Set<String> group : ties) {
            o.println("tied: " + String.join(" = ", group));
        }
        o.printf("weights: %,d bytes; %.4g GBOPs per example%n", bytes, totalBops / 1e9);
        if (q != null) {
            o.printf("top-1: %.2f%% (%d/%d)%n", 100 * q.top1(), q.top1Correct(), q.count());
        }
    }
}
