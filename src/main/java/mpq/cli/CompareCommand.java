package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mpq.base.BadInputException;
import mpq.data.Batches;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.data.ModelInput;
import mpq.eval.EvalSet;
import mpq.quant.Estimators;
import mpq.quant.IntGrid;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Uniform post-training quantization at several bit-widths with several range estimators, side "
                + "by side: top-1 of each on the evaluation set, next to the float model's.",
                "",
                "Calibration runs once (the activation histograms do not depend on bits or estimator); every cell is "
                + "the same as 'mpq quantize' with those settings.",
                "",
                "Example:",
                "  mpq compare resnet20_cifar10.onnx --calib train_subset.bin \\",
                "      --eval test_batch.bin --configs W8A8,W4A8,W4A4 \\",
                "      --estimators mse,percentile --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class CompareCommand implements Callable<Integer> {
    private static final Pattern CONFIG = Pattern.compile("w(\\d+)a(\\d+)");

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--eval", required = true, paramLabel = "D", description = "Labelled data to measure top-1 on.")
    Path eval;

    @Option(names = "--configs", split = ",", paramLabel = "WxAy", description = "Bit-width pairs (default: "
            + "${DEFAULT-VALUE}).")
    List<String> configs = List.of("W8A8", "W6A6", "W4A8", "W4A4", "W3A8", "W2A8");

    @Option(names = "--estimators", split = ",", paramLabel = "E", description = "Range estimators (default: "
            + "${DEFAULT-VALUE}); entropy is for activations only, its weights use mse.")
    List<String> estimators = Estimators.NAMES;

    @Option(names = "--markdown", description = "Print the table as Markdown (for a README).")
    boolean markdown;

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

    private record Cell(String config, int wBits, int aBits, String estimator, EvalResult result, long bytes) {}

    @Override
    public Integer call() {
        List<int[]> bits = new ArrayList<>();
        for (String c : configs) {
            bits.add(parseConfig(c));
        }
        for (String e : estimators) {
            Estimators.byName(e);
        }
        Preprocess pre = dataOptions.preprocess();
        Graph g = modelOptions.loadFloat(model);
        ValueInfo in = ModelInput.single(g, model.toString());
        ConsoleProgress progress = new ConsoleProgress();
        Batches batches = calibration.load(g, in, model.toString(), dataOptions, pre, common.threads());
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(g, batches, common.threads(), progress);
        List<Cell> cells = new ArrayList<>();
        EvalResult fp;
        try (EvalSet set = dataOptions.evalSet(eval, in, model.toString(), progress)) {
            fp = set.evaluate(g, common.threads());
            for (int i = 0; i < configs.size(); i++) {
                for (String est : estimators) {
                    QuantConfig cfg = quant.config(bits.get(i)[0], bits.get(i)[1], Estimators.forWeights(est), est);
                    PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(cal, cfg, common.threads(),
                            mpq.base.Progress.NONE);
                    EvalResult q = set.evaluate(r.quantized(), common.threads());
                    cells.add(new Cell(configs.get(i).toUpperCase(Locale.ROOT), bits.get(i)[0], bits.get(i)[1], est, q,
                            WeightSize.bytes(r.floatGraph(), r.recipe())));
                }
            }
        }
        if (common.json) {
            Output.json(json(fp, batches, cells));
        } else {
            print(fp, batches, cells);
        }
        return 0;
    }

    static int[] parseConfig(String c) {
        Matcher m = CONFIG.matcher(c.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadInputException("--configs: '" + c + "' should look like W4A8");
        }
        int w = Integer.parseInt(m.group(1)), a = Integer.parseInt(m.group(2));
        IntGrid.checkBits(w, "weight bit-width in '" + c + "'");
        IntGrid.checkBits(a, "activation bit-width in '" + c + "'");
        return new int[] {w, a};
    }

    private Map<String, Object> json(EvalResult fp, Batches batches, List<Cell> cells) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("calib", calibration.calib.toString());
        j.put("calib_images", batches.examples());
        j.put("seed", calibration.seed);
        j.put("eval", eval.toString());
        j.put("eval_images", fp.count());
        j.put("fp32_top1", fp.top1());
        j.put("fp32_top1_correct", fp.top1Correct());
        j.put("target", quant.target().name());
        if (quant.sparq() != null) {
            j.put("sparq", quant.sparq().describe());
        }
        j.put("per_channel", !quant.perTensor);
        j.put("keep_first_last", quant.keepFirstLast);
        j.put("bias_correction", quant.biasCorrection);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("config", c.config());
            o.put("w_bits", c.wBits());
            o.put("a_bits", c.aBits());
            o.put("estimator", c.estimator());
            o.put("top1", c.result().top1());
            o.put("top1_correct", c.result().top1Correct());
            o.put("weight_bytes", c.bytes());
            rows.add(o);
        }
        j.put("results", rows);
        return j;
    }

    private void print(EvalResult fp, Batches batches, List<Cell> cells) {
        var o = Output.human();
        o.printf("%s: float top-1 %.2f%% (%d/%d); calibration %d examples of %s (seed %d)%s%s; target %s%n%n",
                model.getFileName(), 100 * fp.top1(), fp.top1Correct(), fp.count(), batches.examples(),
                calibration.calib.getFileName(), calibration.seed, quant.biasCorrection ? "; bias correction" : "",
                quant.sparq() == null ? "" : "; SPARQ windows " + quant.sparq().label(), quant.target().name());
        List<String> header = new ArrayList<>(List.of("config", "weight bytes"));
        header.addAll(estimators);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < cells.size(); i += estimators.size()) {
            List<String> row = new ArrayList<>(List.of(cells.get(i).config(), String.format("%,d", cells.get(i).bytes())));
            for (int k = 0; k < estimators.size(); k++) {
                row.add(String.format("%.2f", 100 * cells.get(i + k).result().top1()));
            }
            rows.add(row);
        }
        if (markdown) {
            o.println("| " + String.join(" | ", header) + " |");
            o.println("|" + " --- |".repeat(header.size()));
            for (List<String> r : rows) {
                o.println("| " + String.join(" | ", r) + " |");
            }
            return;
        }
        Output.Table t = new Output.Table(header.toArray(String[]::new));
        for (List<String> r : rows) {
            t.add(r.toArray());
        }
        t.print(o);
    }
}
