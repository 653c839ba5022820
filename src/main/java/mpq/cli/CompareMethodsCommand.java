package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import mpq.data.Batches;
import mpq.data.ModelInput;
import mpq.eval.EvalSet;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.pipeline.MethodComparison;
import mpq.pipeline.SearchSpec;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.search.Allocators;
import mpq.sensitivity.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare-methods", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Every compatible sensitivity metric × allocator on the same model, calibration sample and "
                + "budget(s), in one command: a table of weight bytes, BOPs, top-1 and time per pair, each with the "
                + "mpq search command that reproduces it; pairs that cannot run are listed with the reason.",
                "",
                "By default the quick methods run (mpq methods marks them); slow ones run when named (--metrics, "
                + "--allocators) or with --all, after an estimate of their time.",
                "",
                "Example (the size of uniform 3-bit weights on ResNet-20):",
                "  mpq compare-methods resnet20_cifar10.onnx --calib train_subset.bin --calib-limit 512 \\",
                "      --eval test_batch.bin --size-of-uniform 3 --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class CompareMethodsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--eval", required = true, paramLabel = "D", description = "Labelled data to measure top-1 on.")
    Path eval;

    @Mixin
    BudgetOptions budget;

    @Option(names = "--metrics", split = ",", paramLabel = "M", description = "Sensitivity metrics to compare "
            + "(default: the quick ones).")
    List<String> metrics;

    @Option(names = "--allocators", split = ",", paramLabel = "A", description = "Allocators to compare "
            + "(default: the quick ones).")
    List<String> allocators;

    @Option(names = "--all", description = "Compare every metric and allocator, the slow ones too.")
    boolean all;

    @Option(names = "--out", paramLabel = "DIR", description = "Write comparison.html (all results on one "
            + "size–accuracy plot against uniform bits) and comparison.json here.")
    Path out;

    @Mixin
    SearchOptions search;

    @Mixin
    CalibrationOptions calibration;

    @Mixin
    QuantOptions quant;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(model, eval, budget.costTable).readsSpecs(calibration.calib.toString())
                .writesIn(out, CompareMethodsOutput.FILES).check();
        List<String> ms = chosen(metrics, Metrics.REGISTRY);
        List<String> as = chosen(allocators, Allocators.REGISTRY);
        SearchSpec spec = search.spec(ms.getFirst(), as.getFirst(), budget.specs(), calibration.seed);
        QuantConfig base = search.base(quant);
        Graph g = modelOptions.loadFloat(model);
        ValueInfo in = ModelInput.single(g, model.toString());
        ConsoleProgress progress = new ConsoleProgress();
        Batches data = calibration.load(g, in, model.toString(), dataOptions, dataOptions.preprocess(), common.threads());
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(g, data, common.threads(), progress);
        for (String m : ms) {
            if (!Metrics.REGISTRY.method(m).quick()) {
                Output.human().printf("%s is slow: about %.0f s here (an estimate from one pass over the calibration "
                        + "data)%n", m, MethodComparison.estimateSeconds(m, cal, base, spec, common.threads()));
            }
        }
        MethodComparison.Result r;
        try (EvalSet set = dataOptions.evalSet(eval, in, model.toString(), progress)) {
            r = MethodComparison.run(cal, base, spec, ms, as, set, common.threads(), search.cache(), progress);
        }
        CompareMethodsOutput output = new CompareMethodsOutput(this, r);
        if (out != null) {
            output.writeFiles(out);
        }
        output.print();
        return 0;
    }

    /** The names asked for, every one with --all, else the quick ones. */
    private List<String> chosen(List<String> named, mpq.base.Registry<?> registry) {
        if (named != null && !named.isEmpty()) {
            named.forEach(registry::method);
            return named;
        }
        return all ? registry.names() : MethodComparison.quick(registry);
    }

    /** The mpq search command that reproduces one row. */
    String searchCommand(String metric, String allocator) {
        List<String> c = new ArrayList<>(List.of("./mpq", "search", model.toString()));
        c.addAll(calibration.options());
        c.addAll(List.of("--metric", metric, "--allocator", allocator));
        c.addAll(budget.options());
        c.addAll(search.options());
        c.addAll(quant.options());
        c.addAll(List.of("--eval", eval.toString()));
        c.addAll(dataOptions.options());
        return String.join(" ", c);
    }
}
