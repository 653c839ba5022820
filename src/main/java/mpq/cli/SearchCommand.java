package mpq.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import mpq.export.QdqExport;
import java.util.List;
import mpq.data.Batches;
import mpq.quant.SparqStatistics;
import mpq.eval.EvalResult;
import mpq.eval.EvalSet;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.pipeline.Deployment;
import mpq.pipeline.ExportReport;
import mpq.pipeline.MixedPrecisionSearch;
import mpq.pipeline.SearchCurve;
import mpq.pipeline.SearchResult;
import mpq.pipeline.SearchSpec;
import mpq.pipeline.StageTimer;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Mixed-precision search: per-layer sensitivities at every allowed (weight bits, activation "
                + "bits) cell, an allocation that minimises their sum within the budget(s), then quantization with the "
                + "chosen bits and (with --eval) top-1.",
                "",
                "Example (the size of uniform 4-bit weights, HAWQ-V2 traces, ILP):",
                "  mpq search resnet20_cifar10.onnx --calib train_subset.bin --metric hawq-v2 \\",
                "      --allocator ilp --size-of-uniform 4 --eval test_batch.bin --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--metric", paramLabel = "M", description = "Sensitivity metric (mpq methods lists them; "
            + "default: ${DEFAULT-VALUE}).")
    String metric = "hawq-v2";

    @Option(names = "--allocator", paramLabel = "A", description = "Allocator: ilp (any budgets), pareto (one "
            + "budget), greedy, lp, iqp, genetic, haq (an RL agent that measures accuracy; --episodes); mpq methods "
            + "describes them (default: ${DEFAULT-VALUE}).")
    String allocator = "ilp";

    @Mixin
    BudgetOptions budget;

    @Mixin
    SearchOptions search;

    @Option(names = "--rank-against", paramLabel = "JSON", description = "The --json output of an earlier search "
            + "(e.g. with other calibration data): print the Spearman rank correlation of its sensitivities with "
            + "these, per cell.")
    Path rankAgainst;

    @Option(names = "--eval", paramLabel = "D", description = "Labelled data to measure top-1 on.")
    Path eval;

    @Option(names = "--export", paramLabel = "FILE", description = "Also write the quantized model as standard ONNX "
            + "(QDQ; see mpq export --help) with its recipe beside it; with --eval, ONNX Runtime runs it on the same "
            + "data and its top-1 is compared with the simulation.")
    Path export;

    @Option(names = "--out", paramLabel = "DIR", description = "Write bits.json, recipe.json and report.html here.")
    Path out;

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
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(model, eval, rankAgainst, budget.costTable).readsSpecs(calibration.calib.toString())
                .writes(export, export == null ? null : QdqExport.recipePath(export))
                .writesIn(out, SearchOutput.FILES).check();
        SearchSpec spec = search.spec(metric, allocator, budget.specs(), calibration.seed);
        QuantConfig base = search.base(quant);
        StageTimer stages = new StageTimer();
        Graph g = modelOptions.loadFloat(model);
        PostTrainingQuantizer.checkEmbeddings(g, base);
        ValueInfo in = mpq.data.ModelInput.single(g, model.toString());
        ConsoleProgress progress = new ConsoleProgress();
        Batches data = calibration.load(g, in, model.toString(), dataOptions, dataOptions.preprocess(), common.threads());
        stages.lap("load");
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(g, data, common.threads(), progress);
        stages.lap("calibrate");
        SearchResult r = MixedPrecisionSearch.run(cal, base, spec, common.threads(), search.cache(), progress);
        r.stageSeconds().forEach(stages::add);
        EvalResult q = null;
        ExportReport exported = null;
        SearchCurve curve = null;
        try (EvalSet set = eval == null ? null : dataOptions.evalSet(eval, in, model.toString(), progress)) {
            if (set != null) {
                q = set.evaluate(r.quantized(), common.threads());
                stages.lap("evaluate");
            }
            if (export != null) {
                exported = Deployment.export(r.allocated().quantization().floatGraph(), r.recipe(), model.toString(),
                        export, false, set, common.threads());
                stages.lap("export");
            }
            if (out != null && set != null) {
                curve = SearchCurve.measure(cal, base, spec, r.sensitivities(), set, reportLimit, common.threads());
            }
        }
        List<SparqStatistics.Layer> sparsity = SparqStatistics.measure(r.quantized(), r.recipe(), data,
                common.threads());   // empty without --sparq
        SearchOutput output = new SearchOutput(this, spec, base, r, q, exported, curve, sparsity);
        if (out != null) {
            output.writeFiles(out);
            stages.lap("report");
        }
        output.print(stages);
        return 0;
    }
}
